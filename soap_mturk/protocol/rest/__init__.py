"""The REST (query) interface: GET with a query string or POST with a form body,
answered with the `{Operation}Response` document a REST client of that version
expects. It translates only; the operations run through api.batch like SOAP's."""

from soap_mturk.protocol.rest.endpoint import RestEndpoint, is_rest_request

__all__ = ["RestEndpoint", "is_rest_request"]
