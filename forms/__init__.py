"""Forms: one marshmallow schema per `camunda:formKey`, bilingual messages, JSON Schema for rendering.

Pure: no database, no clock of the service, no Flask; `forms.registry` is the entry point.
"""
