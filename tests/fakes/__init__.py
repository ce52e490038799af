"""Loopback fakes of the outside services, speaking their documented wire formats."""
