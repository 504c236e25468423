"""Fieldwork: study files, the terminal interview, the response store, merge, import and export."""
