"""HTTP routes, a few lines each: parse, call the resource's service (:mod:`api.services`),
return."""
