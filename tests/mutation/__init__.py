"""Mutation testing (`make mutation`): the kept list of equivalent mutants and the report."""
