"""Federation: remote feeds fetched under guard (``fetch``, with ``addresses``: what may be
reached, and ``failures``: why a download failed), read (``parse``, with ``jsonfeed``, into
the records of ``remote``), stored (``sync``)."""
