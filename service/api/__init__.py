"""HTTP edges: /health, /login, /api (domain), /engine-rest (Camunda 7 REST). Each maps ServiceError once,
in its own error shape."""
