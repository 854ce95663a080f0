"""What a person does in FlickList, one module per feature, each exporting its `routes`,
which `app.py` joins."""
