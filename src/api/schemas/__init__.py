"""Pydantic request and response schemas of the HTTP API."""
