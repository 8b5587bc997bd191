"""HTTP routes, a few lines each: parse, call :class:`api.service.PartnerSearch`, return."""
