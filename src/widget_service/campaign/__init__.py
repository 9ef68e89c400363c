"""The campaign kit (issue 15): everything a member needs to spread a call."""
