"""SOAP 1.1, document/literal, through spyne."""
