// FogTypes — the data model.
