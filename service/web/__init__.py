"""The pages: server-rendered Flask + Jinja2, Chinese first, calling the same use cases as the API.

`pages.register` (called by the app factory) adds the page blueprints, CSRF checks, security headers,
the language helpers and the front-end packages npm installed (bpmn-js, ECharts), served as they are,
without a build step.
"""
