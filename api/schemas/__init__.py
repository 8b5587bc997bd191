"""Request and response bodies, one module per resource as in :mod:`api.routes` and
:mod:`api.services`; :mod:`api.schemas.common` holds what they share. Import each name from
its module. Each resource has separate input (``...Create``, ``...Update``) and output
(``...Public``) schemas; lists are ``{data, count}`` pages.

Input schemas forbid unknown fields and bound every length; the engine then validates
meaning (country codes, empty texts, contradictory filters) and its errors name the field.
Contacts appear only in :class:`~api.schemas.profiles.ProfileDetail`, and only for an
authorised key.

Output schemas convert engine objects and stored records themselves (``Candidate.of(match,
explain)``, ``RequestPublic.of(record, now)``, ``ProfileDetail.of_record(record, contacts)``
...): numbers that are not finite never reach JSON.
"""
