"""Federation: remote feeds fetched under guard (``fetch``), read (``parse``), stored (``sync``)."""
