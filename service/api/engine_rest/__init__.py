"""/engine-rest: the Camunda 7 REST API subset a BPMN back office needs, in Camunda's own shapes.

Camunda Modeler's Deploy button and Camunda 7 client libraries work against it unchanged. Every
request authenticates with HTTP Basic (as Camunda does with its authentication filter on); what the
caller may not see answers 404 as if it did not exist. Modules: deployments, definitions, instances,
tasks, comments, history; variables.py is the only place typed variables are translated.
"""
