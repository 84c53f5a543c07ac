"""What the terminal shows: the progress bar (``progress``) and the result tables (``tables``)."""
