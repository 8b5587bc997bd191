"""From a text to the terms of the lexical index, in the text's own language.

A partner request or a profile is written in any EU language. Counting every word as a term
let function words of other languages into the scores: a Polish request matched a
decarbonisation cluster on "dla" ("for"). The :class:`Analyzer` therefore

1. detects the text's language once (:mod:`engine.language`; the default is English);
2. splits it into lower-case words: a letter, then letters, digits or hyphens, as the index
   always did ("covid-19", "co2" and "state-of-the-art" are words; "2030" is not);
3. drops two-letter words of texts in other languages than English (mostly function words
   that stop lists miss), except technology acronyms (:data:`SHORT_TERMS`: "ai", "pv") and
   words with a digit ("h2", "o2"). English texts keep them, as the index always did: the
   English stop list covers its function words, so the rest are abbreviations ("ms", "eu",
   "ni"), and dropping them lowered the lexical MRR on the validation split from 0.162 to
   0.156 (one-character words were never words of the index);
4. drops the stop words of the detected language (stopwords-iso) and English ones, and the
   request boilerplate of both (:data:`BOILERPLATE`). Only the detected language's list: a
   stop word of one language may be a real word of another ("per", "die", "also");
5. stems the rest with the Snowball stemmer of the detected language (:data:`STEMMERS`),
   so "Batterien" and "Batterie", "meblowy" and "meblowego" share a term. A stemmed word
   also counts as itself: a German cluster profile that says "medical textiles" stems
   "textiles" to "textil" with the German stemmer, and still matches an English request's
   "textiles" (and an exact form counts twice, which is what the English measurement below
   favours). Languages without a Snowball stemmer (bg, hr, lv, mt, sk, sl, is, sq, mk, bs,
   uk) keep whole words, and so does English by default (:data:`STEMMED`).

English is not stemmed because it was measured to hurt: on the validation split (517 English
queries, 13,373 English profiles) the lexical ranking alone fell from recall@50 0.234 to 0.200
with Snowball English, and to 0.220 with plural folding only ("cells" -> "cell" merges fuel
and solar cells with cell biology); without English stemming it stays at 0.232. English words
are plentiful in the corpus in every inflection; the other languages' requests meet few
documents, where a Polish adjective in six cases would otherwise match nothing.

English stop words are scikit-learn's list (the one the index used before), not the
1,298-word stopwords-iso list, which drops words that name topics here ("computer",
"information", "open", "novel", "goods", "home"). Serbian and Bosnian use the Croatian list
(one language continuum, stopwords-iso has neither); Maltese, Icelandic, Albanian and
Macedonian have no list and drop only English stop words and boilerplate.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import snowballstemmer
import stopwordsiso
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from engine.boilerplate import BOILERPLATE
from engine.language import identify

#: Bumped whenever stop words, boilerplate or tokenisation change: an index saved by another
#: version has other terms and must be rebuilt.
VERSION = 1

#: A word: a letter, then letters, digits or hyphens (the index's token pattern before).
WORD_PATTERN = r"(?u)\b[^\W\d_][\w-]+\b"
_WORD = re.compile(WORD_PATTERN)

#: Two-letter words kept in every language: technology acronyms that name a request's topic
#: ("KI" and "IA" are AI in German and in Romance languages).
SHORT_TERMS = frozenset({"ai", "ki", "ia", "ar", "vr", "xr", "ev", "pv", "ml", "uv"})

#: ISO 639-1 code -> Snowball stemmer.
STEMMERS: dict[str, str] = {
    "cs": "czech", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "et": "estonian", "fi": "finnish", "fr": "french", "ga": "irish",
    "hu": "hungarian", "it": "italian", "lt": "lithuanian", "nl": "dutch", "no": "norwegian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "sr": "serbian", "sv": "swedish",
    "tr": "turkish",
}
#: The languages stemmed by default: all with a Snowball stemmer but English (see above).
STEMMED: tuple[str, ...] = tuple(sorted(set(STEMMERS) - {"en"}))
#: Languages whose stop words come from a related language's stopwords-iso list.
STOP_LIST_OF = {"sr": "hr", "bs": "hr"}

#: A word cache per language is emptied when it grows past this (queries in the service).
_CACHE_LIMIT = 1_000_000


@cache
def stop_words(language: str) -> frozenset[str]:
    """Everything dropped from a text in ``language``: its stop words and boilerplate, and
    the English ones."""
    listed = STOP_LIST_OF.get(language, language)
    own = stopwordsiso.stopwords(listed) if stopwordsiso.has_lang(listed) else set()
    if language == "en":
        own = set()
    return frozenset(
        {*ENGLISH_STOP_WORDS, *own, *BOILERPLATE["en"], *BOILERPLATE.get(language, ())}
    )


class Analyzer:
    """Text -> index terms (see the module docstring); a callable usable as
    ``TfidfVectorizer(analyzer=Analyzer())``.

    ``stemmed``: the languages whose words are stemmed (those without a Snowball stemmer
    are ignored); ``default_language``: the language of texts too short or ambiguous to
    detect. Word -> term results are cached per language, so
    each distinct word is stemmed once (Snowball in pure Python costs ~50 µs a word).
    """

    def __init__(
        self, stemmed: Iterable[str] = STEMMED, default_language: str = "en"
    ) -> None:
        self.stemmed = tuple(sorted(set(stemmed)))
        self.default_language = default_language
        self._cache: dict[str, dict[str, tuple[str, ...]]] = {}
        self._stemmers: dict[str, Callable[[str], str]] = {}
        self._lock = threading.Lock()

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, saved with an index: ``Analyzer(**config)``."""
        return {"stemmed": list(self.stemmed), "default_language": self.default_language}

    def language(self, text: str) -> str:
        return identify(text, self.default_language).language

    def words(self, text: str) -> tuple[str, Counter[str]]:
        """The language of ``text`` and the count of each of its lower-case words, before
        stop words and stemming (counting first makes the rest cost per distinct word)."""
        return self.language(text), Counter(_WORD.findall(text.lower()))

    def term(self, word: str, language: str) -> str:
        """The main index term of a lower-case ``word`` in a text of ``language`` (its stem
        where stemmed); "" if the word is dropped (too short, stop word, boilerplate)."""
        terms = self.index_terms(word, language)
        return terms[0] if terms else ""

    def index_terms(self, word: str, language: str) -> tuple[str, ...]:
        """The terms a lower-case ``word`` in a text of ``language`` counts as: none if
        dropped, its stem and itself where stemming changes it, else itself."""
        cache = self._cache.get(language)
        if cache is None:
            cache = self._cache.setdefault(language, {})
        found = cache.get(word)
        if found is None:
            found = self._terms(word, language)
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[word] = found
        return found

    def _terms(self, word: str, language: str) -> tuple[str, ...]:
        if word in stop_words(language):
            return ()
        if len(word) < 3 and language != "en" and word.isalpha() and word not in SHORT_TERMS:
            return ()
        if language not in self.stemmed or language not in STEMMERS:
            return (word,)
        with self._lock:  # a Snowball stemmer keeps its state on the instance
            stemmer = self._stemmers.get(language)
            if stemmer is None:
                stemmer = snowballstemmer.stemmer(STEMMERS[language]).stemWord
                self._stemmers[language] = stemmer
            stem = stemmer(word) or word
        return (stem,) if stem == word else (stem, word)

    def __call__(self, text: str) -> list[str]:
        """The terms of ``text``'s words, in order (the scikit-learn analyzer contract)."""
        language = self.language(text)
        return [term for word in _WORD.findall(text.lower())
                for term in self.index_terms(word, language)]
