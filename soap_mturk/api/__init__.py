"""The Requester API independent of any wire format: message shapes, the operation
table, and how a batch of requests becomes a list of results."""
