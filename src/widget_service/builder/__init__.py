"""The widget builder at ``/widgets``: its form is generated from the widget declarations."""
