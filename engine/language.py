"""Which language a text is written in, among the languages of European partner requests.

Requests and profiles come in any of the 24 official EU languages and those of neighbouring
countries; the lexical index needs the language to drop the right function words and to pick
a stemmer (:mod:`engine.analyzer`). Detection is py3langid's naive Bayes model restricted to
:data:`LANGUAGES`, so a Slovak text is never called Russian or Catalan.

The fallback rule: a text with fewer than :data:`MIN_LETTERS` letters, or whose best language
has a (normalised) probability below :data:`MIN_CONFIDENCE`, gets the caller's ``default``
("en" unless told): a single word or a two-word title says too little, and a Serbian text torn
between "sr" and "mk" is better served by the default than by a coin toss. Only the first
:data:`SAMPLE_CHARS` characters are read: a profile document is hundreds of sentences of
mostly one language, and the model's cost grows with the text (about 100 µs for 300
characters). Fewer would not do: a CORDIS document starts with the organisation's name in its
own language ("DEUTSCHE STIFTUNG FUR CHRONISCH KRANKE ..."): on 300 characters 12 of the
bundled 20,075 documents in English were taken for another language (and 25 more were too
ambiguous); on 500, none.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import NamedTuple

from py3langid.langid import MODEL_FILE, LanguageIdentifier

#: The language of a request too short or ambiguous to tell ("recykling baterii"): neither
#: English nor any other, so the multilingual model reads it against every profile.
UNDETECTED = ""

#: The 24 official EU languages.
EU_LANGUAGES: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)
#: Languages of EEA, candidate and neighbouring countries whose organisations take part.
NEIGHBOUR_LANGUAGES: tuple[str, ...] = ("no", "is", "tr", "sr", "sq", "mk", "bs", "uk")
#: The languages :func:`detect` may answer (ISO 639-1).
LANGUAGES: tuple[str, ...] = EU_LANGUAGES + NEIGHBOUR_LANGUAGES

#: English names of :data:`LANGUAGES`, for explanations.
LANGUAGE_NAMES: dict[str, str] = {
    "bg": "Bulgarian", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "et": "Estonian", "fi": "Finnish", "fr": "French",
    "ga": "Irish", "hr": "Croatian", "hu": "Hungarian", "it": "Italian", "lt": "Lithuanian",
    "lv": "Latvian", "mt": "Maltese", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "sk": "Slovak", "sl": "Slovenian", "sv": "Swedish", "no": "Norwegian",
    "is": "Icelandic", "tr": "Turkish", "sr": "Serbian", "sq": "Albanian", "mk": "Macedonian",
    "bs": "Bosnian", "uk": "Ukrainian",
}

#: Below this many letters a text is too short to tell its language.
MIN_LETTERS = 12
#: Below this probability (among :data:`LANGUAGES`, summing to 1) the text is ambiguous.
MIN_CONFIDENCE = 0.5
#: Detection reads at most this many characters from the start of the text.
SAMPLE_CHARS = 500


class Detection(NamedTuple):
    """``language``: ISO 639-1 code; ``confidence``: the model's probability for it in
    [0, 1], or 0.0 where the fallback rule gave the default."""

    language: str
    confidence: float


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """The model, loaded once (about 1.5 s) on first use rather than at import."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def identify(text: str, default: str = "en") -> Detection:
    """The language of ``text`` with its probability, or ``(default, 0.0)`` under the
    fallback rule of this module's docstring."""
    sample = text[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return Detection(default, 0.0)
    with _LOCK:  # the lazy load must happen once, even under the service's threads
        identifier = _identifier()
    language, confidence = identifier.classify(sample)
    if confidence < MIN_CONFIDENCE:
        return Detection(default, 0.0)
    return Detection(str(language), float(confidence))


def detect(text: str, default: str = "en") -> str:
    """The ISO 639-1 code of ``text``'s language, ``default`` when too short or ambiguous."""
    return identify(text, default).language
