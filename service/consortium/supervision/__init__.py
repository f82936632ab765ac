"""Supervision after filing (guideline 七): evaluations, member changes, projects, lead-unit failure,
the research credit record and renewal. `topics.handlers` gives the service-task topics of its diagrams.
"""
