"""Input data: reading, parsing, schemas and cross-table checks, the dataset, the reference
data and the sample generator."""
