"""What every web feature shares: error messages and renderers (``errors``) and the
helpers templates call (``helpers``)."""
