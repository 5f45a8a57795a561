#!/usr/bin/env python3
"""Synthetic benchmark corpus for searchkit: scraped news pages, one article per .txt file.

Usage::

    python bench/generate.py OUT_DIR --size small|medium|large|xl [--articles N] [--seed 42]

or, from Python::

    generate(out_dir, articles, seed=42, progress=None) -> stats dict

Files go to OUT_DIR/0000/a000000.txt, OUT_DIR/0000/a000001.txt, ... (1,000 per folder), plus
OUT_DIR/.corpus.json with the stats (hidden, so `searchkit index OUT_DIR` skips it).  Every
file follows the scraped-page layout (see /work/shared/corpus-format/example-article.txt;
searchkit.sources.scraped parses it back exactly: same titles, comment authors and texts):

* optional donation widget: 2-5 lines ``2,500 $``, then ``MAY 2022``, then a blank line;
* title line, blank line;
* optional dateline paragraph, optional ``Support <Site>`` paragraph;
* body paragraphs separated by single blank lines (sometimes the title repeated, sometimes
  an image caption ``Name at the venue in Place (Photo: Agency / Name)``);
* unless the article has no comments: two blank lines, ``Notify of`` / ``Newest Most Voted`` /
  ``Inline Feedbacks`` / ``View all comments``, a blank line, the comments, a blank line and
  ``Would love your thoughts, please comment.x`` (no trailing newline, as in the real pages).
  A comment is ``author line, blank line, paragraphs`` (paragraphs separated by one blank
  line); an anonymous comment has no author line, so it is preceded by two blank lines.
  Comment paragraphs always end with ``.``, ``!`` or ``?``; author lines never end with
  punctuation except a detached `` .`` (``888mladen .``).

Statistics: a pseudo-English vocabulary of ~5 million ranked words made of syllables (~200
real function and common words at the top ranks), sampled Zipf-Mandelbrot, weight
(rank + 1) ** -1.1, so "the" is ~6% of tokens and the number of distinct words keeps growing
with corpus size (Heaps' law: ~0.4 M at small, ~1.8 M at medium).  Each article has a topic
that boosts its keywords and ~1,500 mid-rank words.  ~400 people, ~200 places and ~150
organisations are drawn Zipf-like, biased by topic (Putin ~6% of articles, Trump ~5%, both
~0.4%).  Bodies 300-1,500 words (mean ~650), comments 5-150 words (mean ~40), comments per
article lognormal (mean ~15, ~15% none, a few past 300), ~50,000 comment authors drawn
Zipf-like, ~20% of comments anonymous.  Rare word j of `Tables.rare` (ranks 20k-200k) is
planted once in article j (j < 1,000) so bench/queries.py's rare queries always match.

Output is a pure function of (seed, article number): each article has its own
``random.Random`` seeded from both, so files are byte-identical whatever the number of worker
processes.  The vocabulary and entity tables are fixed (independent of the corpus seed) and
are shared with bench/queries.py.  Standard library only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import sys
import time
import unicodedata
from pathlib import Path

GENERATOR_VERSION = 1
SIZES = {"small": 2_000, "medium": 20_000, "large": 100_000, "xl": 500_000}
FILES_PER_DIR = 1000
CHUNK = 500  # articles per worker task (output does not depend on it)
VOCAB_SEED = 0x5EA4C1  # fixed: tables do not depend on the corpus seed
ZIPF_S = 1.35  # weight of rank z is (z + ZIPF_Q) ** -s; 1.35 grows the vocabulary roughly as Heaps observed
ZIPF_Q = 1.0  # Zipf-Mandelbrot shift: "the" ~6% of tokens, not ~12%
HEAD_RANKS = 65_536  # ranks below: exact table; above: computed on the fly
REPO_ROOT = Path(__file__).resolve().parent.parent

COMMENT_WIDGET = ("Notify of", "Newest Most Voted", "Inline Feedbacks", "View all comments")
COMMENT_CLOSER = "Would love your thoughts, please comment.x"

# Whoosh's default stop list (whoosh.analysis.STOP_WORDS); queries avoid these.
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that the "
    "this to us we when will with yet you your".split()
)

# --------------------------------------------------------------------------- vocabulary
# fmt: off
# ~150 real English words in rough news-frequency order: they take the top ranks.
REAL_WORDS = """
the of to and a in that for is on said was with he it as at by from his be have has are not
but an they who were this which had will been their would its or after we also about more one
people than new there year all against president government two over when could can if into
out up what other so no state military told last first some she her them only our years
minister country war just police because while since those security under three before
officials like support forces him may any now world national week many public political most
during such foreign including even where how both being between time added through
international should according however power report statement several own still whether
these part news make made back talks deal issue without region did do does around agreement
policy law economic million billion percent court city election party leader leaders future
cooperation relations situation troops attack border crisis decision further already well
another called local meeting members media countries nuclear sanctions held army
""".split()

# Multi-word units ranked among the common words, so phrase queries have real collocations.
COLLOCATIONS = [
    "prime minister", "foreign minister", "human rights", "interest rates", "climate change",
    "nuclear weapons", "armed forces", "air defense", "peace talks", "press conference",
    "central bank", "social media", "civil war", "public health", "gas prices", "supply chain",
]
CONTRACTIONS = ["don’t", "it’s", "that’s", "can’t", "isn’t", "won’t", "didn’t", "doesn’t"]

# Words comments use more than articles do.
COMMENT_REGISTER = (
    """I you think just really know why your me my never always nothing everyone
truth lies propaganda idiots agree exactly yes obviously what how they them we our people
""".split()
    + CONTRACTIONS
)

# Syllables for pseudo-English words: onset + nucleus + optional coda, 2-4 letters, so words
# of 1-3 syllables have 2-12 letters.  The inventory is uniquely decodable (every syllable
# starts with a consonant onset, vowel runs are single nuclei, and no coda + onset pair can be
# re-split into another coda + onset: hence no "h" onset), so distinct syllable sequences are
# distinct words and the word of a rank can be computed without a table.
_ONSETS = list("bcdfgjklmnprstvwz") + [
    "br",
    "tr",
    "pr",
    "gr",
    "dr",
    "cr",
    "kr",
    "bl",
    "pl",
    "fl",
    "gl",
    "cl",
    "sh",
    "ch",
    "th",
]
_NUCLEI = ["a", "e", "i", "o", "u", "ai", "ou", "ea", "ie", "au"]
_CODAS = ["", "n", "r", "l", "m", "s"]
N_SYLLABLES = 171  # 171 + 171**2 + 171**3 ~ 5.03 million pseudo-words

TOPICS = [
    # name, share of articles, keywords boosted in that topic
    (
        "russia_ukraine",
        0.14,
        "sanctions troops missile drone offensive frontline shelling "
        "artillery mobilization ceasefire invasion kremlin occupied counteroffensive grain",
    ),
    (
        "us_politics",
        0.12,
        "election senate campaign voters impeachment republicans democrats "
        "ballot primary indictment administration lawmakers governor filibuster",
    ),
    (
        "middle_east",
        0.11,
        "airstrike militants settlers hostages refugees ceasefire rebels "
        "occupation strikes humanitarian mosque tunnels checkpoint clashes",
    ),
    (
        "europe",
        0.09,
        "parliament coalition migrants referendum chancellor commission budget "
        "euro farmers protests asylum treaty summit enlargement",
    ),
    (
        "asia_pacific",
        0.07,
        "beijing strait exports navy islands tariffs semiconductor missile drills alliance maritime trade quad typhoon",
    ),
    (
        "economy",
        0.10,
        "inflation markets stocks investors recession growth unemployment "
        "bonds currency debt earnings tariffs wages prices",
    ),
    (
        "energy",
        0.07,
        "gas pipeline oil crude barrels refinery output lng supplies exports reactor drilling electricity grid fuel",
    ),
    (
        "technology",
        0.07,
        "chips software artificial intelligence data platform startup "
        "cyberattack hackers satellite smartphone algorithm encryption cloud",
    ),
    (
        "health",
        0.06,
        "vaccine virus hospital pandemic patients doctors outbreak infections "
        "lockdown variant vaccination clinics disease treatment",
    ),
    (
        "climate",
        0.05,
        "emissions drought flooding temperatures carbon wildfires heatwave "
        "renewable glaciers rainfall storms coal deforestation warming",
    ),
    (
        "africa",
        0.06,
        "coup junta mining jihadists peacekeepers famine elections rebels gold militia insurgents drought aid sahel",
    ),
    (
        "latin_america",
        0.06,
        "cartel gangs migrants lithium amazon protests inflation "
        "deforestation election peso drug smuggling border corruption",
    ),
]
_T = {name: i for i, (name, _, _) in enumerate(TOPICS)}

# (full name, short name used on later mentions, role, home topic); list order ~ global rank.
REAL_PEOPLE = [
    ("Vladimir Putin", "Putin", "Russian President", "russia_ukraine"),
    ("Donald Trump", "Trump", "US President", "us_politics"),
    ("Joe Biden", "Biden", "US President", "us_politics"),
    ("Volodymyr Zelensky", "Zelensky", "Ukrainian President", "russia_ukraine"),
    ("Recep Tayyip Erdoğan", "Erdoğan", "Turkish President", "middle_east"),
    ("Xi Jinping", "Xi", "Chinese President", "asia_pacific"),
    ("Emmanuel Macron", "Macron", "French President", "europe"),
    ("Olaf Scholz", "Scholz", "German Chancellor", "europe"),
    ("Benjamin Netanyahu", "Netanyahu", "Israeli Prime Minister", "middle_east"),
    ("Sergei Lavrov", "Lavrov", "Russian Foreign Minister", "russia_ukraine"),
    ("Bashar al-Assad", "Assad", "Syrian President", "middle_east"),
    ("Dmitry Peskov", "Peskov", "Kremlin spokesman", "russia_ukraine"),
    ("Antony Blinken", "Blinken", "US Secretary of State", "us_politics"),
    ("Kamala Harris", "Harris", "Vice President", "us_politics"),
    ("Narendra Modi", "Modi", "Indian Prime Minister", "asia_pacific"),
    ("Kim Jong-un", "Kim", "North Korean leader", "asia_pacific"),
    ("Barack Obama", "Obama", "former US President", "us_politics"),
    ("Boris Johnson", "Johnson", "British Prime Minister", "europe"),
    ("Ursula von der Leyen", "von der Leyen", "European Commission President", "europe"),
    ("Jens Stoltenberg", "Stoltenberg", "NATO Secretary General", "europe"),
    ("Sergei Shoigu", "Shoigu", "Russian Defense Minister", "russia_ukraine"),
    ("Ebrahim Raisi", "Raisi", "Iranian President", "middle_east"),
    ("Janet Yellen", "Yellen", "US Treasury Secretary", "economy"),
    ("Elon Musk", "Musk", "billionaire", "technology"),
    ("Luiz Inácio Lula da Silva", "Lula", "Brazilian President", "latin_america"),
    ("Viktor Orbán", "Orbán", "Hungarian Prime Minister", "europe"),
    ("Maria Zakharova", "Zakharova", "Foreign Ministry spokeswoman", "russia_ukraine"),
    ("Mohammed bin Salman", "bin Salman", "Saudi Crown Prince", "middle_east"),
    ("Jerome Powell", "Powell", "Federal Reserve Chair", "economy"),
    ("Giorgia Meloni", "Meloni", "Italian Prime Minister", "europe"),
    ("Yevgeny Prigozhin", "Prigozhin", "Wagner chief", "russia_ukraine"),
    ("Alexander Lukashenko", "Lukashenko", "Belarusian President", "russia_ukraine"),
    ("Nancy Pelosi", "Pelosi", "House Speaker", "us_politics"),
    ("Hillary Clinton", "Clinton", "former Secretary of State", "us_politics"),
    ("Lloyd Austin", "Austin", "US Defense Secretary", "us_politics"),
    ("Angela Merkel", "Merkel", "former German Chancellor", "europe"),
    ("Rishi Sunak", "Sunak", "British Prime Minister", "europe"),
    ("Pedro Sánchez", "Sánchez", "Spanish Prime Minister", "europe"),
    ("Ali Khamenei", "Khamenei", "Supreme Leader", "middle_east"),
    ("Valery Gerasimov", "Gerasimov", "Chief of the General Staff", "russia_ukraine"),
    ("Alexei Navalny", "Navalny", "opposition leader", "russia_ukraine"),
    ("Dmitry Medvedev", "Medvedev", "former Russian President", "russia_ukraine"),
    ("Dmytro Kuleba", "Kuleba", "Ukrainian Foreign Minister", "russia_ukraine"),
    ("Mahmoud Abbas", "Abbas", "Palestinian President", "middle_east"),
    ("Hassan Nasrallah", "Nasrallah", "Hezbollah leader", "middle_east"),
    ("Abdel Fattah el-Sisi", "Sisi", "Egyptian President", "middle_east"),
    ("Fumio Kishida", "Kishida", "Japanese Prime Minister", "asia_pacific"),
    ("Yoon Suk-yeol", "Yoon", "South Korean President", "asia_pacific"),
    ("Tsai Ing-wen", "Tsai", "Taiwanese President", "asia_pacific"),
    ("Imran Khan", "Khan", "former Pakistani Prime Minister", "asia_pacific"),
    ("Christine Lagarde", "Lagarde", "ECB President", "economy"),
    ("Kristalina Georgieva", "Georgieva", "IMF chief", "economy"),
    ("Mark Zuckerberg", "Zuckerberg", "Meta chief executive", "technology"),
    ("Sam Altman", "Altman", "OpenAI chief executive", "technology"),
    ("Jensen Huang", "Huang", "Nvidia chief executive", "technology"),
    ("Tim Cook", "Cook", "Apple chief executive", "technology"),
    ("Tedros Adhanom Ghebreyesus", "Tedros", "WHO Director-General", "health"),
    ("Anthony Fauci", "Fauci", "infectious disease expert", "health"),
    ("Greta Thunberg", "Thunberg", "climate activist", "climate"),
    ("António Guterres", "Guterres", "UN Secretary-General", "climate"),
    ("John Kerry", "Kerry", "climate envoy", "climate"),
    ("Alexander Novak", "Novak", "Deputy Prime Minister", "energy"),
    ("Abdulaziz bin Salman", "Abdulaziz", "Saudi Energy Minister", "energy"),
    ("Cyril Ramaphosa", "Ramaphosa", "South African President", "africa"),
    ("Abiy Ahmed", "Abiy", "Ethiopian Prime Minister", "africa"),
    ("Bola Tinubu", "Tinubu", "Nigerian President", "africa"),
    ("Paul Kagame", "Kagame", "Rwandan President", "africa"),
    ("Assimi Goïta", "Goïta", "Malian junta leader", "africa"),
    ("Jair Bolsonaro", "Bolsonaro", "former Brazilian President", "latin_america"),
    ("Andrés Manuel López Obrador", "López Obrador", "Mexican President", "latin_america"),
    ("Nicolás Maduro", "Maduro", "Venezuelan President", "latin_america"),
    ("Gustavo Petro", "Petro", "Colombian President", "latin_america"),
    ("Javier Milei", "Milei", "Argentine President", "latin_america"),
    ("Nayib Bukele", "Bukele", "Salvadoran President", "latin_america"),
    ("Ron DeSantis", "DeSantis", "Florida Governor", "us_politics"),
    ("Mitch McConnell", "McConnell", "Senate Republican leader", "us_politics"),
    ("Bernie Sanders", "Sanders", "Senator", "us_politics"),
    ("Jake Sullivan", "Sullivan", "National Security Adviser", "us_politics"),
    ("Theresa May", "May", "former British Prime Minister", "europe"),
    ("Andrzej Duda", "Duda", "Polish President", "europe"),
    ("Mark Rutte", "Rutte", "Dutch Prime Minister", "europe"),
    ("Josep Borrell", "Borrell", "EU foreign policy chief", "europe"),
]
# Invented people that must exist (non-ASCII), ranked among the top ~60.
FIXED_INVENTED = ["José Núñez", "Łukasz Wróbel", "Zoë Adebayo", "Søren Holm", "Çağla Yıldız"]
N_PEOPLE = 400
N_LEADERS = 12  # top people: an article about one often mentions another

FIRST_NAMES = """James Maria Chris Jean Anna Mohammed Ali Olga Sergei Ivan Dmitri Elena Pierre
Marco Giulia Hans Jürgen Søren Zoë José Łukasz Çağla Ahmet Mehmet Ayşe Björn Åsa Noémie
François Thérèse Radovan Miloš Dušan Jiří Zdeněk Ines Nuno João Ngozi Chidi Kwame Amara
Hiroshi Yuki Wei Priya Arjun Raúl Sofía Carmen Lucía Diego Mateo Kateryna Oleksandr Andriy
Natalia Tomasz Agnieszka Małgorzata Piotr Ewa Emma Liam Noah Olivia Sarah David Michael John
Robert Patrick Siobhán Seán Niamh Fatima Leila Omar Yusuf Hana Ana Mikael Eero Aino Gunnar
Ingrid Sigríður Paul Laura Thomas Julia Daniel Rachel Peter Helen Mark Karen Anders Lena
Viktor Irina Pavel Svetlana Nikolai Yulia Andrei Tatiana Hamid Reza Nadia Karim Samir Layla
Kofi Aisha Tunde Zainab Jorge Camila Andrés Valentina Ricardo Gabriela Luca Chiara Matteo
Francesca Klaus Ute Wolfgang Dörte Jan Katarzyna Marek Zofia Ferenc Zsófia Dragan Jelena
""".split()
LAST_NAMES = """Núñez Wróbel Adebayo Holm Yıldız Marchetti Peyrelongue Chuba Schmidt Müller
Kowalski Nowak Novák Horváth Petrović Jovanović Ivanov Petrov Smirnov Kuznetsov Shevchenko
Bondarenko Kovalenko García Martínez López González Rodríguez Fernández Silva Santos Pereira
Costa Rossi Russo Bianchi Romano Dubois Lefèvre Moreau Laurent Girard Fontaine Smith Johnson
Williams Brown Jones Miller Davis Wilson Taylor Anderson Thomas Moore Martin Jackson White
Harris Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams Nelson Hill Campbell
Mitchell Roberts Carter Phillips Evans Turner Okafor Okonkwo Mensah Diallo Traoré Keïta
Haddad Khoury Nasser Rahimi Hosseini Karimi Demir Şahin Çelik Öztürk Aydın Kaya Tanaka Suzuki
Watanabe Nakamura Park Lee Chen Wang Zhang Liu Singh Patel Sharma Gupta Nielsen Jensen Hansen
Larsen Andersen Johansson Lindqvist Virtanen Korhonen Murphy Kelly Byrne Dvořák Svoboda Kovač
Babić Popescu Ionescu Georgiev Dimitrov Papadopoulos Nikolaidis Cohen Levi Friedman Ødegaard
Łęcki Brandt Vogel Krüger Hoffmann Zieliński Szabó Tóth Østergaard Sæther Aguilar Castillo
Herrera Mendoza Ortega Vargas Abadi Farouk Mansour Bakr Obi Eze Nwosu Boateng Asante
""".split()
PARTICLES = ["de", "van", "von", "da", "di", "al", "el", "le", "ter"]
GENERIC_ROLES = [
    "analyst", "spokesperson", "opposition leader", "economist", "lawmaker", "defense minister",
    "commander", "activist", "researcher", "mayor", "governor", "senator", "ambassador",
    "chief executive", "professor", "regional governor", "deputy minister", "military expert",
]

# (name, home topic)
REAL_PLACES = [
    ("Moscow", "russia_ukraine"), ("Washington", "us_politics"), ("Kyiv", "russia_ukraine"),
    ("Russia", "russia_ukraine"), ("Ukraine", "russia_ukraine"), ("Syria", "middle_east"),
    ("China", "asia_pacific"), ("Beijing", "asia_pacific"), ("Israel", "middle_east"),
    ("Gaza", "middle_east"), ("Iran", "middle_east"), ("Turkey", "middle_east"),
    ("Germany", "europe"), ("Berlin", "europe"), ("Paris", "europe"), ("London", "europe"),
    ("Brussels", "europe"), ("New York", "us_politics"), ("Donetsk", "russia_ukraine"),
    ("Crimea", "russia_ukraine"), ("Damascus", "middle_east"), ("Tehran", "middle_east"),
    ("Ankara", "middle_east"), ("Idlib", "middle_east"), ("Aleppo", "middle_east"),
    ("Iraq", "middle_east"), ("Baghdad", "middle_east"), ("Lebanon", "middle_east"),
    ("Yemen", "middle_east"), ("Jerusalem", "middle_east"), ("Bakhmut", "russia_ukraine"),
    ("Kharkiv", "russia_ukraine"), ("Odesa", "russia_ukraine"), ("Mariupol", "russia_ukraine"),
    ("Luhansk", "russia_ukraine"), ("Zaporizhzhia", "russia_ukraine"),
    ("Kherson", "russia_ukraine"), ("Sevastopol", "russia_ukraine"), ("Belarus", "russia_ukraine"),
    ("Minsk", "russia_ukraine"), ("Poland", "europe"), ("Warsaw", "europe"), ("Kraków", "europe"),
    ("Gdańsk", "europe"), ("Łódź", "europe"), ("France", "europe"), ("Italy", "europe"),
    ("Rome", "europe"), ("Spain", "europe"), ("Madrid", "europe"), ("Hungary", "europe"),
    ("Budapest", "europe"), ("Vienna", "europe"), ("Zürich", "europe"), ("Geneva", "europe"),
    ("Prague", "europe"), ("Bucharest", "europe"), ("Sofia", "europe"), ("Athens", "europe"),
    ("Lisbon", "europe"), ("Stockholm", "europe"), ("Malmö", "europe"), ("Göteborg", "europe"),
    ("Oslo", "europe"), ("Copenhagen", "europe"), ("Helsinki", "europe"), ("Reykjavík", "europe"),
    ("Dublin", "europe"), ("Düsseldorf", "europe"), ("München", "europe"), ("Nürnberg", "europe"),
    ("Vilnius", "europe"), ("Riga", "europe"), ("Tallinn", "europe"), ("Belgrade", "europe"),
    ("Priština", "europe"), ("Serbia", "europe"), ("Kosovo", "europe"), ("Texas", "us_politics"),
    ("Florida", "us_politics"), ("California", "us_politics"), ("Chicago", "us_politics"),
    ("Los Angeles", "us_politics"), ("Georgia", "us_politics"), ("Arizona", "us_politics"),
    ("Pennsylvania", "us_politics"), ("Ohio", "us_politics"), ("Japan", "asia_pacific"),
    ("Tokyo", "asia_pacific"), ("Taiwan", "asia_pacific"), ("Taipei", "asia_pacific"),
    ("Seoul", "asia_pacific"), ("Pyongyang", "asia_pacific"), ("India", "asia_pacific"),
    ("New Delhi", "asia_pacific"), ("Pakistan", "asia_pacific"), ("Islamabad", "asia_pacific"),
    ("Afghanistan", "asia_pacific"), ("Kabul", "asia_pacific"), ("Hong Kong", "asia_pacific"),
    ("Shanghai", "asia_pacific"), ("Manila", "asia_pacific"), ("Jakarta", "asia_pacific"),
    ("Hanoi", "asia_pacific"), ("Canberra", "asia_pacific"), ("Saudi Arabia", "middle_east"),
    ("Riyadh", "middle_east"), ("Qatar", "middle_east"), ("Doha", "middle_east"),
    ("Egypt", "middle_east"), ("Cairo", "middle_east"), ("Istanbul", "middle_east"),
    ("İzmir", "middle_east"), ("Raqqa", "middle_east"), ("Deir ez-Zor", "middle_east"),
    ("Mosul", "middle_east"), ("Homs", "middle_east"), ("Latakia", "middle_east"),
    ("Erbil", "middle_east"), ("Tel Aviv", "middle_east"), ("Beirut", "middle_east"),
    ("Sanaa", "middle_east"), ("West Bank", "middle_east"), ("Golan Heights", "middle_east"),
    ("Red Sea", "middle_east"), ("Frankfurt", "economy"), ("Wall Street", "economy"),
    ("Davos", "economy"), ("Singapore", "economy"), ("Dubai", "economy"),
    ("City of London", "economy"), ("Norway", "energy"), ("Siberia", "energy"),
    ("North Sea", "energy"), ("Baltic Sea", "energy"), ("Azerbaijan", "energy"), ("Baku", "energy"),
    ("Kazakhstan", "energy"), ("Venezuela", "latin_america"), ("Caracas", "latin_america"),
    ("Silicon Valley", "technology"), ("San Francisco", "technology"), ("Seattle", "technology"),
    ("Shenzhen", "technology"), ("Bangalore", "technology"), ("Wuhan", "health"),
    ("Lombardy", "health"), ("Amazon", "climate"), ("Greenland", "climate"),
    ("Antarctica", "climate"), ("Bangladesh", "climate"), ("Sindh", "climate"), ("Mali", "africa"),
    ("Niger", "africa"), ("Niamey", "africa"), ("Bamako", "africa"), ("Nigeria", "africa"),
    ("Lagos", "africa"), ("Abuja", "africa"), ("Ethiopia", "africa"), ("Addis Ababa", "africa"),
    ("Sudan", "africa"), ("Khartoum", "africa"), ("Libya", "africa"), ("Tripoli", "africa"),
    ("Somalia", "africa"), ("Mogadishu", "africa"), ("Kenya", "africa"), ("Nairobi", "africa"),
    ("South Africa", "africa"), ("Johannesburg", "africa"), ("Kinshasa", "africa"),
    ("Burkina Faso", "africa"), ("Ouagadougou", "africa"), ("Dakar", "africa"),
    ("Côte d’Ivoire", "africa"), ("Brazil", "latin_america"), ("São Paulo", "latin_america"),
    ("Brasília", "latin_america"), ("Mexico", "latin_america"), ("Mexico City", "latin_america"),
    ("Colombia", "latin_america"), ("Bogotá", "latin_america"), ("Argentina", "latin_america"),
    ("Buenos Aires", "latin_america"), ("Cuba", "latin_america"), ("Havana", "latin_america"),
    ("Peru", "latin_america"), ("Lima", "latin_america"), ("Chile", "latin_america"),
    ("Santiago", "latin_america"), ("El Salvador", "latin_america"), ("Ecuador", "latin_america"),
    ("Quito", "latin_america"), ("Medellín", "latin_america"),
]
N_PLACES = 200

ORGS = [
    ("NATO", "russia_ukraine"), ("the Kremlin", "russia_ukraine"), ("the Pentagon", "us_politics"),
    ("the White House", "us_politics"), ("the European Union", "europe"),
    ("the United Nations", "climate"), ("the UN Security Council", "middle_east"),
    ("the State Department", "us_politics"), ("the Foreign Ministry", "russia_ukraine"),
    ("the Defense Ministry", "russia_ukraine"), ("Congress", "us_politics"),
    ("the Senate", "us_politics"), ("the Supreme Court", "us_politics"),
    ("the Republican Party", "us_politics"), ("the Democratic Party", "us_politics"),
    ("the IMF", "economy"), ("the World Bank", "economy"), ("the Federal Reserve", "economy"),
    ("the European Central Bank", "economy"), ("the WHO", "health"), ("Gazprom", "energy"),
    ("Rosneft", "energy"), ("OPEC", "energy"), ("the IAEA", "energy"), ("the CIA", "us_politics"),
    ("the FBI", "us_politics"), ("the FSB", "russia_ukraine"), ("Hamas", "middle_east"),
    ("Hezbollah", "middle_east"), ("the Taliban", "asia_pacific"), ("ISIS", "middle_east"),
    ("Al Qaeda", "middle_east"), ("the IDF", "middle_east"), ("the SAA", "middle_east"),
    ("the OSCE", "europe"), ("the G7", "economy"), ("the G20", "economy"), ("BRICS", "economy"),
    ("the African Union", "africa"), ("the Arab League", "middle_east"),
    ("the European Commission", "europe"), ("the European Parliament", "europe"),
    ("the Bundestag", "europe"), ("the State Duma", "russia_ukraine"),
    ("the Wagner Group", "russia_ukraine"), ("Reuters", "economy"), ("Fox News", "us_politics"),
    ("CNN", "us_politics"), ("the BBC", "europe"), ("RT", "russia_ukraine"),
    ("Al Jazeera", "middle_east"), ("TASS", "russia_ukraine"), ("Xinhua", "asia_pacific"),
    ("Anadolu Agency", "middle_east"), ("Lockheed Martin", "us_politics"), ("Boeing", "economy"),
    ("Raytheon", "us_politics"), ("Airbus", "economy"), ("Siemens", "technology"),
    ("Volkswagen", "economy"), ("Apple", "technology"), ("Google", "technology"),
    ("Microsoft", "technology"), ("Amazon.com", "technology"), ("Meta", "technology"),
    ("Tesla", "technology"), ("Huawei", "technology"), ("Samsung", "technology"),
    ("TSMC", "technology"), ("Nvidia", "technology"), ("OpenAI", "technology"),
    ("Pfizer", "health"), ("Moderna", "health"), ("BioNTech", "health"), ("Shell", "energy"),
    ("BP", "energy"), ("ExxonMobil", "energy"), ("Chevron", "energy"), ("TotalEnergies", "energy"),
    ("Saudi Aramco", "energy"), ("Amnesty International", "africa"),
    ("Human Rights Watch", "africa"), ("the Red Cross", "middle_east"),
    ("Médecins Sans Frontières", "health"), ("Greenpeace", "climate"), ("the IPCC", "climate"),
    ("ECOWAS", "africa"), ("the SDF", "middle_east"), ("the PKK", "middle_east"),
    ("the Houthis", "middle_east"), ("Mercosur", "latin_america"), ("Petrobras", "latin_america"),
    ("the Sinaloa Cartel", "latin_america"), ("the ASEAN", "asia_pacific"),
    ("the Quad", "asia_pacific"),
]
N_ORGS = 150
ORG_SUFFIXES = [
    "Holdings", "Institute", "Group", "Foundation", "Energy", "Bank", "Capital", "Systems", "Front",
    "Movement", "Council", "Alliance", "Partners", "Labs",
]

SITES = [
    "SouthFront", "Meridian Post", "The Daily Ledger", "Northwind News", "Frontline Wire",
    "Global Dispatch", "Eastern Review", "The Observer Desk", "Atlas Herald",
]
AGENCIES = ["Reuters", "AP", "AFP", "EPA", "Getty Images", "TASS", "Anadolu", "Xinhua", "Sputnik", "DPA", "ANSA", "EFE"]
VENUES = [
    "summit", "press conference", "parliament", "rally", "airport", "border crossing", "ministry",
    "UN headquarters", "economic forum", "military parade", "memorial service", "party congress",
    "harbour", "embassy",
]
TITLE_VERBS = [
    "Says", "Warns", "Calls", "Urges", "Denies", "Slams", "Backs", "Rejects", "Vows", "Signals",
    "Accuses", "Praises", "Demands", "Confirms",
]
SAY_VERBS = ["said", "said", "said", "added", "noted", "told reporters", "stressed", "wrote"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]

N_HANDLES = 50_000
FIXED_HANDLES = [
    (0, "Jean Marchetti"), (2, "chris chuba"), (5, "Jean de Peyrelongue"), (9, "888mladen ."),
    (14, "Søren_H"), (20, "Çağla Y"),
]
_HANDLE_A = """truth real free patriot old iron silver red blue north south wise lone grey
dark night true just plain simple angry honest cosmic""".split()
_HANDLE_B = """seeker teller eagle wolf bear fox hawk observer thinker citizen reader watcher
skeptic rider sailor farmer voice owl raven tiger""".split()

N_RARE = 1000  # rare words planted once in articles 0..N_RARE-1
RARE_MIN_RANK, RARE_MAX_RANK = 20_000, 200_000

# fmt: on


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _cum(weights):
    return list(itertools.accumulate(weights))


def _zipf_cum(n, s, q=0.0):
    """Cumulative weights of ranks 1..n: (z + q) ** -s."""
    return list(itertools.accumulate((z + q) ** -s for z in range(1, n + 1)))


class Tables:
    """All fixed tables (built once per process, ~0.5 s; forked workers share them)."""

    def __init__(self):
        r = random.Random(VOCAB_SEED)
        # ---- syllables and pseudo-English words
        real = list(REAL_WORDS)
        real[100:100] = COLLOCATIONS
        real[140:140] = CONTRACTIONS
        real = list(dict.fromkeys(real))
        combos = sorted(
            {o + n + c for o in _ONSETS for n in _NUCLEI for c in _CODAS if 2 <= len(o + n + c) <= 4}
            - set(real)
            - set(COMMENT_REGISTER)
            - {w for _, _, kw in TOPICS for w in kw.split()}
        )
        syl = r.sample(combos, N_SYLLABLES)
        self.syl = syl
        S = len(syl)
        self.real = real
        self.c1 = len(real)  # first 1-syllable rank
        self.c2 = self.c1 + S  # first 2-syllable rank
        self.c3 = self.c2 + S * S  # first 3-syllable rank
        self.n_ranks = self.c3 + S**3  # ~5.03 million possible words

        def mult(m):  # affine permutation: scatter neighbours
            a = int(m * 0.6180339887) | 1
            while math.gcd(a, m) != 1:
                a += 2
            return a, (m * 7) // 13

        self.perm2 = mult(S * S)
        self.perm3 = mult(S**3)
        h = HEAD_RANKS
        self.words = [self.word(k) for k in range(h)]  # head, in rank order
        # tail ranks are drawn from the continuous power law (x + q) ** -s on
        # [h + 0.5, n_ranks + 0.5] (inverse CDF), x rounding to the 1-based rank
        e = 1.0 - ZIPF_S
        self.tail_a = (h + 0.5 + ZIPF_Q) ** e
        self.tail_d = (self.n_ranks + 0.5 + ZIPF_Q) ** e - self.tail_a
        self.tail_e = 1.0 / e
        cum = _zipf_cum(h, ZIPF_S, ZIPF_Q)
        self.head_pop = self.words + [None]  # None = "draw from the tail"
        self.head_cum = cum + [cum[-1] + self.tail_d / e]
        self.title_pop = self.words[:5000]
        self.title_cum = cum[:5000]

        # ---- topics: each boosts its keywords plus ~1,500 mid-rank words
        self.topics = []
        for t, (_, _, kw) in enumerate(TOPICS):
            tr = random.Random(VOCAB_SEED * 31 + t)
            ranks = sorted(tr.sample(range(300, 40_000), 1500))
            pop = list(dict.fromkeys(kw.split() + [self.words[k] for k in ranks]))
            self.topics.append((pop, _zipf_cum(len(pop), 0.9)))
        self.topic_cum = _cum(share for _, share, _ in TOPICS)
        self.comment_pop = COMMENT_REGISTER
        self.comment_cum = _zipf_cum(len(COMMENT_REGISTER), 0.7)

        # ---- people: (full, short, role, topic)
        pr = random.Random(VOCAB_SEED + 1)
        real_names = {p[0] for p in REAL_PEOPLE}
        invented, seen = [], set(real_names)
        for full in FIXED_INVENTED:
            seen.add(full)
        while len(invented) < N_PEOPLE - len(REAL_PEOPLE) - len(FIXED_INVENTED):
            full = f"{pr.choice(FIRST_NAMES)} {pr.choice(LAST_NAMES)}"
            if full not in seen:
                seen.add(full)
                invented.append(full)
        for j, full in enumerate(FIXED_INVENTED):
            invented.insert(3 + 4 * j, full)
        topic_names = [t[0] for t in TOPICS]
        topic_w = [t[1] for t in TOPICS]

        def person(full):
            return (full, full.split()[-1], pr.choice(GENERIC_ROLES), pr.choices(topic_names, weights=topic_w)[0])

        inv = [person(f) for f in invented]
        # first 25 real people lead; after that real and invented people interleave
        people = list(REAL_PEOPLE[:25])
        rest_real = list(REAL_PEOPLE[25:])
        while rest_real or inv:
            if inv:
                people.append(inv.pop(0))
            if rest_real:
                people.append(rest_real.pop(0))
            if inv:
                people.append(inv.pop(0))
        self.people = [tuple(_nfc(x) for x in p) for p in people][:N_PEOPLE]

        # ---- places and organisations (padded with invented ones)
        places = list(REAL_PLACES)
        pl_seen = {p[0] for p in places}
        while len(places) < N_PLACES:
            nm = (syl[pr.randrange(len(syl))] + syl[pr.randrange(len(syl))]).capitalize()
            nm = pr.choice(["{}", "{}", "Port {}", "{}ovo", "{}sk", "{}ia", "New {}"]).format(nm)
            if nm not in pl_seen:
                pl_seen.add(nm)
                places.insert(40 + pr.randrange(len(places) - 39), (nm, pr.choices(topic_names, weights=topic_w)[0]))
        self.places = [(_nfc(a), b) for a, b in places]
        orgs = list(ORGS)
        og_seen = {o[0] for o in orgs}
        while len(orgs) < N_ORGS:
            nm = (syl[pr.randrange(len(syl))] + syl[pr.randrange(len(syl))]).capitalize()
            nm = f"{nm} {pr.choice(ORG_SUFFIXES)}"
            if pr.random() < 0.3:
                nm = "the " + nm
            if nm not in og_seen:
                og_seen.add(nm)
                orgs.insert(30 + pr.randrange(len(orgs) - 29), (nm, pr.choices(topic_names, weights=topic_w)[0]))
        self.orgs = [(_nfc(a), b) for a, b in orgs]

        def by_topic(items, idx_topic):
            lists = [[] for _ in TOPICS]
            for i, it in enumerate(items):
                lists[_T[it[idx_topic]]].append(i)
            return [(lst, _zipf_cum(len(lst), 0.9)) for lst in lists]

        self.people_topic = by_topic(self.people, 3)
        self.places_topic = by_topic(self.places, 1)
        self.orgs_topic = by_topic(self.orgs, 1)
        # cross-topic draws are flatter, so the top names stay at a few percent of articles
        self.people_cum = _zipf_cum(len(self.people), 0.7)
        self.leaders_cum = _zipf_cum(N_LEADERS, 1.0)
        self.places_cum = _zipf_cum(len(self.places), 0.8)
        self.orgs_cum = _zipf_cum(len(self.orgs), 0.8)

        # ---- comment authors
        self.handles = _make_handles(syl)
        self.handles_cum = _zipf_cum(len(self.handles), 0.85)

        # ---- rare words (ranks 20k-200k, log-uniform), planted once each in the first
        # N_RARE articles so that queries for them always match something
        rr = random.Random(VOCAB_SEED + 3)
        lo, hi = math.log(RARE_MIN_RANK), math.log(RARE_MAX_RANK)
        picked = {}
        while len(picked) < N_RARE:
            k = int(math.exp(rr.uniform(lo, hi)))
            picked.setdefault(self.word(k), k)
        self.rare = list(picked.items())  # (word, rank); word j goes to article j

    def word(self, k: int) -> str:
        """The word of 0-based rank k (k < n_ranks)."""
        if k < self.c1:
            return self.real[k]
        syl, S = self.syl, len(self.syl)
        if k < self.c2:
            return syl[k - self.c1]
        if k < self.c3:
            a, c = self.perm2
            x = ((k - self.c2) * a + c) % (S * S)
            return syl[x // S] + syl[x % S]
        a, c = self.perm3
        x = ((k - self.c3) * a + c) % S**3
        hi, lo = divmod(x, S * S)
        return syl[hi] + syl[lo // S] + syl[lo % S]


def _make_handles(syl):
    r = random.Random(VOCAB_SEED + 7)
    out, seen = [], set()
    fixed = dict(FIXED_HANDLES)
    seen.update(fixed.values())
    while len(out) < N_HANDLES:
        if len(out) in fixed:
            out.append(fixed[len(out)])
            continue
        f = r.random()
        fn, ln = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        if f < 0.22:
            h = f"{fn} {ln}"
        elif f < 0.36:
            h = f"{fn} {ln}".lower()
        elif f < 0.42:
            h = f"{fn} {r.choice(PARTICLES)} {ln}"
        elif f < 0.56:
            h = r.choice(_HANDLE_A) + r.choice(_HANDLE_B)
            if r.random() < 0.6:
                h += str(r.randint(1, 99))
        elif f < 0.63:
            h = f"{r.randint(1, 999)}{fn.lower()}"
        elif f < 0.73:
            h = f"{fn} {ln[0]}"
        elif f < 0.81:
            h = fn + (str(r.randint(1, 9999)) if r.random() < 0.7 else "")
        elif f < 0.90:
            h = (syl[r.randrange(len(syl))] + syl[r.randrange(len(syl))]).capitalize()
            h += r.choice(["", "_", "-"]) + (syl[r.randrange(len(syl))] if r.random() < 0.5 else str(r.randint(1, 99)))
        else:
            h = r.choice([f"{fn}_{ln}", f"{fn.lower()}-{ln.lower()}", f"{fn}{ln}"])
        if r.random() < 0.008:
            h += " ."
        h = _nfc(h)
        if not handle_ok(h) or h in seen:
            continue
        seen.add(h)
        out.append(h)
    return out


def handle_ok(h: str) -> bool:
    """Author-line rules: <= 4 words, <= 30 chars, no final punctuation (a detached ' .' is ok)."""
    core = h[:-2] if h.endswith(" .") else h
    return 0 < len(h) <= 30 and len(h.split()) <= 4 and core[-1:].isalnum() and core[:1].isalnum() and '"' not in h


_TABLES = None


def tables() -> Tables:
    """The shared tables, built on first use."""
    global _TABLES
    if _TABLES is None:
        _TABLES = Tables()
    return _TABLES


# --------------------------------------------------------------------------- sampling helpers
def _draw_words(rng, T, k, used, tail_bits):
    """k i.i.d. Zipf words.  Head ranks come from the exact table; the ~16% of draws that
    fall in the tail get a rank from the continuous power law and a computed word.
    Head words are added to `used`; tail ranks are recorded in the bitmap `tail_bits`."""
    w = rng.choices(T.head_pop, cum_weights=T.head_cum, k=k)
    used.update(w)
    if None in w:
        rnd = rng.random
        a, d, e, n = T.tail_a, T.tail_d, T.tail_e, T.n_ranks
        off = ZIPF_Q + 0.5
        c3, (pa, pc) = T.c3, T.perm3
        syl = T.syl
        S = len(syl)
        SS, SSS = S * S, S**3
        for i in [i for i, x in enumerate(w) if x is None]:
            k = int((a + rnd() * d) ** e - off)  # 0-based rank >= HEAD_RANKS
            if k >= n:
                k = n - 1
            tail_bits[k >> 3] |= 1 << (k & 7)
            x = ((k - c3) * pa + pc) % SSS
            hi, lo = divmod(x, SS)
            w[i] = syl[hi] + syl[lo // S] + syl[lo % S]
    return w


def _mix(rng, words, pop, cum, share, used):
    """Replace a share of the words by draws from a boosted (topic/register) list."""
    n = len(words)
    k = int(n * share + rng.random())
    if k:
        new = rng.choices(pop, cum_weights=cum, k=k)
        used.update(new)
        for i, x in zip(rng.sample(range(n), k), new, strict=True):
            words[i] = x


_SENT_LENS = list(range(8, 31))
_SENT_CUM = _cum(math.exp(-(((L - 16) / 6.0) ** 2) / 2) + 0.02 for L in _SENT_LENS)
_CSENT_LENS = list(range(3, 26))
_CSENT_CUM = _cum(math.exp(-(((L - 10) / 5.0) ** 2) / 2) + 0.02 for L in _CSENT_LENS)
_PARA_SIZES = [1, 2, 3, 4, 5, 6]
_PARA_CUM = _cum([0.12, 0.30, 0.30, 0.17, 0.08, 0.03])


def _cap(w):
    return w[:1].upper() + w[1:]


def _sentence(rng, s, ends, speaker):
    """Capitalise, add an occasional comma, end it; maybe make it a quote."""
    rnd = rng.random
    s[0] = _cap(s[0])
    n = len(s)
    if n > 6 and rnd() < 0.45:
        j = 2 + int(rnd() * (n - 5))
        if not s[j].endswith(","):
            s[j] += ","
    if speaker is not None:
        return "“" + " ".join(s) + ",” " + speaker + "."
    r = rnd()
    return " ".join(s) + (ends[0] if r < ends[3] else ends[1] if r < ends[4] else ends[2])


_BODY_ENDS = (".", "?", "!", 0.96, 0.99)
_COMMENT_ENDS = (".", "?", "!", 0.78, 0.91)


# --------------------------------------------------------------------------- one article
def _pick(rng, cum):
    return rng.choices(range(len(cum)), cum_weights=cum)[0]


def make_article(
    i: int, seed: int, T: Tables | None = None, used: set | None = None, tail_bits: bytearray | None = None
):
    """Return (text, n_comments) for article number i (a pure function of seed and i).

    Words drawn are added to `used` (table words, names, handles) and `tail_bits` (bitmap of
    computed tail ranks) when given; generate() uses them to count distinct words."""
    T = T or tables()
    if used is None:
        used = set()
    if tail_bits is None:
        tail_bits = bytearray(T.n_ranks // 8 + 1)
    rng = random.Random(f"searchkit-bench:{seed}:{i}")
    rnd = rng.random

    # ---- topic and cast
    t = _pick(rng, T.topic_cum)
    tpop, tcum = T.topics[t]

    def cast(topic_lists, global_cum, counts, weights, own):
        lst, cum = topic_lists[t]
        out = []
        for _ in range(rng.choices(counts, weights=weights)[0]):
            if lst and rnd() < own:
                x = lst[_pick(rng, cum)]
            else:
                x = _pick(rng, global_cum)
            if x not in out:
                out.append(x)
        return out

    people = cast(T.people_topic, T.people_cum, (0, 1, 2, 3, 4), (8, 34, 32, 17, 9), 0.85)
    if people and min(people) < N_LEADERS and rnd() < 0.15:  # leaders react to leaders
        x = _pick(rng, T.leaders_cum)
        if x not in people:
            people.append(x)
    places = cast(T.places_topic, T.places_cum, (1, 2, 3), (45, 35, 20), 0.75)
    orgs = cast(T.orgs_topic, T.orgs_cum, (0, 1, 2), (30, 45, 25), 0.75)
    P = [T.people[x] for x in people]
    PL = [T.places[x][0] for x in places]
    OG = [T.orgs[x][0] for x in orgs]
    used.update(p[0] for p in P)
    used.update(PL)
    used.update(OG)

    # ---- date, site
    year = 2015 + int(rnd() * 10)
    month = int(rnd() * 12)
    day = 1 + int(rnd() * 28)
    site = SITES[_pick(rng, _cum([5, 3, 2, 2, 1, 1, 1, 1, 1]))]

    # ---- title
    tw = rng.choices(T.title_pop, cum_weights=T.title_cum, k=12)
    _mix(rng, tw, tpop, tcum, 0.35, used)
    tw = [w for w in tw if " " not in w]
    nt = 4 + int(rnd() * 6)
    small = {"a", "an", "the", "of", "to", "in", "on", "for", "and", "with", "at", "by", "as", "or", "from"}
    words = [w if w in small else _cap(w) for w in tw[:nt]]
    subj = P[0][1] if P and rnd() < 0.8 else (PL[0] if rnd() < 0.6 else None)
    form = rnd()
    if subj and form < 0.45:
        title = f"{subj} {TITLE_VERBS[int(rnd() * len(TITLE_VERBS))]} " + " ".join(words)
    elif subj and form < 0.65:
        title = f"{subj}: " + " ".join(words)
    elif form < 0.8 and len(words) > 3:
        k = 1 + int(rnd() * 3)
        title = " ".join(words[:-k]) + " ‘" + " ".join(words[-k:]) + "’"
        if subj:
            title = f"{subj} " + title
    else:
        title = " ".join(words)
        if PL and rnd() < 0.5:
            title += f" in {PL[0]}"
    title = title[0].upper() + title[1:]

    # ---- body words
    target = 300 + int(1120 * rng.betavariate(1.3, 3.6))
    lens = rng.choices(_SENT_LENS, cum_weights=_SENT_CUM, k=target // 8 + 1)  # enough
    acc = ns = 0
    while acc < target:
        acc += lens[ns]
        ns += 1
    lens = lens[:ns]
    bw = _draw_words(rng, T, acc, used, tail_bits)
    _mix(rng, bw, tpop, tcum, 0.12, used)
    # entity mentions: first mention of a person is the full name (maybe with role)
    slots = [("p", j) for j in range(len(P))] + [("l", j) for j in range(len(PL))] + [("o", j) for j in range(len(OG))]
    if slots:
        sw = _cum([3.0 if (k == "p" and j == 0) else 1.6 if k == "p" else 1.1 if k == "l" else 0.9 for k, j in slots])
        m = max(2, int(acc * 0.035))
        pos = sorted(rng.sample(range(acc), min(m, acc)))
        seen = set()
        for p_, (k, j) in zip(pos, rng.choices(slots, cum_weights=sw, k=len(pos)), strict=True):
            if k == "p":
                full, short, role, _ = P[j]
                if j in seen:
                    txt = short + ("’s" if rnd() < 0.12 else "")
                else:
                    seen.add(j)
                    txt = f"{role} {full}" if rnd() < 0.4 else full
            elif k == "l":
                txt = ("in " + PL[j]) if rnd() < 0.5 else PL[j]
            else:
                txt = OG[j]
            bw[p_] = txt
    if i < len(T.rare):
        word, k = T.rare[i]
        bw[int(rnd() * acc)] = word
        if k >= HEAD_RANKS:
            tail_bits[k >> 3] |= 1 << (k & 7)
        else:
            used.add(word)
    speakers = [p[1] for p in P] + [o for o in OG if o.startswith("the ")] or ["officials"]
    sents = []
    pos = 0
    for L in lens:
        spk = None
        if L > 6 and rnd() < 0.07:
            spk = f"{speakers[int(rnd() * len(speakers))]} {SAY_VERBS[int(rnd() * 8)]}"
        sents.append(_sentence(rng, bw[pos : pos + L], _BODY_ENDS, spk))
        pos += L
    paras = []
    j = 0
    for size in rng.choices(_PARA_SIZES, cum_weights=_PARA_CUM, k=len(sents)):
        if j >= len(sents):
            break
        paras.append(" ".join(sents[j : j + size]))
        j += size
    if rnd() < 0.2:
        paras.insert(min(1, len(paras)), title)
    if P and rnd() < 0.3:
        place = PL[0] if PL else "capital"
        photog = f"{FIRST_NAMES[int(rnd() * len(FIRST_NAMES))]} {LAST_NAMES[int(rnd() * len(LAST_NAMES))]}"
        cap = (
            f"{P[0][0]} at the {VENUES[int(rnd() * len(VENUES))]} in {place} "
            f"(Photo: {AGENCIES[int(rnd() * len(AGENCIES))]} / {photog})"
        )
        paras.insert(min(1 + int(rnd() * 2), len(paras)), cap)

    # ---- page
    out = []
    if rnd() < 0.5:
        amounts = ["0 $"] if rnd() < 0.6 else []
        for _ in range(2 + int(rnd() * 4) - len(amounts)):
            out.append(f"{int(rnd() ** 2 * 200) * 50 + (0 if rnd() < 0.7 else int(rnd() * 49)):,} $")
        out[:0] = amounts
        out += [f"{MONTHS[month].upper()} {year}", ""]
    out += [title, ""]
    if rnd() < 0.5:
        mo = MONTHS[month]
        f = rnd()
        if f < 0.4:
            d = f"{mo} {day}, {year}"
        elif f < 0.65:
            d = f"{day} {mo} {year}"
        elif f < 0.85:
            d = f"Published: {year}-{month + 1:02d}-{day:02d}"
        else:
            d = f"Posted on {mo} {day}, {year}"
        out += [d, ""]
    support = rnd() < 0.4
    if support:
        out += [f"Support {site}", ""]
    for p in paras:
        out += [p, ""]
    if support and rnd() < 0.5:
        out += [f"Support {site}", ""]

    # ---- comments
    nc = comment_count(rng)
    if nc:
        out += comment_section(rng, T, nc, tpop, tcum, [p[1] for p in P] + PL, used, tail_bits)
    return "\n".join(out), nc


def comment_count(rng: random.Random) -> int:
    """How many comments a page gets: lognormal (mean ~15, ~10% none, a tail past 300)."""
    return 0 if rng.random() < 0.10 else min(1000, int(rng.lognormvariate(2.03, 1.3)))


def comment_section(
    rng: random.Random,
    T: Tables,
    nc: int,
    topic_pop: list[str],
    topic_cum: list[float],
    names: list[str],
    used: set,
    tail_bits: bytearray,
) -> list[str]:
    """The lines of a comment section of ``nc`` comments (nc >= 1), widget to closing line.

    Comments are 5-150 words (mean ~40) of Zipf words, 5% of them drawn from ``topic_pop``
    (weights ``topic_cum``) and 8% from the comment register; 1.5% of the words are replaced by
    ``names`` (short names of the page's people and places) when there are any. Authors are
    drawn from the shared handles; ~20% of the comments are anonymous. Words drawn are added to
    ``used`` and ``tail_bits`` as in :func:`make_article`. The first line is the blank that,
    after the page's last paragraph and its blank line, makes the two blank lines before
    ``Notify of``.
    """
    rnd = rng.random
    out = ["", *COMMENT_WIDGET, ""]
    clens = [5 + int(140 * rng.betavariate(1.05, 3.3)) for _ in range(nc)]
    total = sum(clens)
    cw = _draw_words(rng, T, total, used, tail_bits)
    _mix(rng, cw, topic_pop, topic_cum, 0.05, used)
    _mix(rng, cw, T.comment_pop, T.comment_cum, 0.08, used)
    if names:
        m = int(total * 0.015 + rnd())
        for p_ in rng.sample(range(total), m):
            cw[p_] = names[int(rnd() * len(names))]
    authors = rng.choices(T.handles, cum_weights=T.handles_cum, k=nc)
    used.update(authors)
    # sentence lengths: every sentence but a comment's last takes >= 3 words, so this is enough
    slen = rng.choices(_CSENT_LENS, cum_weights=_CSENT_CUM, k=total // 3 + nc + 1)
    si = 0
    pos = 0
    for c in range(nc):
        L = clens[c]
        if rnd() < 0.2:
            out.append("")
        else:
            out += [authors[c], ""]
        para = []
        k = 0
        while k < L:
            sl = slen[si]
            si += 1
            if L - k - sl < 3:
                sl = L - k
            para.append(_sentence(rng, cw[pos + k : pos + k + sl], _COMMENT_ENDS, None))
            k += sl
            if k < L and rnd() < 0.2:
                out += [" ".join(para), ""]
                para = []
        out += [" ".join(para), ""]
        pos += L
    out.append(COMMENT_CLOSER)
    return out


# --------------------------------------------------------------------------- driver
def article_path(out_dir: Path, i: int) -> Path:
    return out_dir / f"{i // FILES_PER_DIR:04d}" / f"a{i:06d}.txt"


def _run_range(args):
    out_dir, seed, start, stop = args
    T = tables()
    out_dir = Path(out_dir)
    comments = words = nbytes = 0
    used = set()
    tail_bits = bytearray(T.n_ranks // 8 + 1)
    made = set()
    for i in range(start, stop):
        text, nc = make_article(i, seed, T, used, tail_bits)
        data = text.encode("utf-8")
        path = article_path(out_dir, i)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "wb") as fh:
            fh.write(data)
        comments += nc
        words += len(text.split())
        nbytes += len(data)
    used.discard(None)
    return stop - start, comments, words, nbytes, used, bytes(tail_bits)


def _inside_repo(path: Path) -> bool:
    p = path.resolve()
    return p == REPO_ROOT or REPO_ROOT in p.parents


def generate(
    out_dir, articles: int, seed: int = 42, progress=None, workers: int | None = None, allow_in_repo: bool = False
) -> dict:
    """Write `articles` files under out_dir; return stats.

    progress, if given, is called as progress(done_articles, total_articles).
    workers defaults to min(2, cpu count); the output does not depend on it.
    """
    out_dir = Path(out_dir)
    if not allow_in_repo and _inside_repo(out_dir):
        raise ValueError(f"refusing to write the corpus inside the repository: {out_dir}")
    t0 = time.perf_counter()
    tables()  # build before forking so workers share the tables
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(str(out_dir), seed, s, min(s + CHUNK, articles)) for s in range(0, articles, CHUNK)]
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    workers = max(1, min(workers, len(jobs)))
    totals = [0, 0, 0, 0]
    used = set()
    tail = 0

    def take(res):
        nonlocal tail
        for k in range(4):
            totals[k] += res[k]
        used.update(res[4])
        tail |= int.from_bytes(res[5], "little")
        if progress:
            progress(totals[0], articles)

    if workers == 1:
        for job in jobs:
            take(_run_range(job))
    else:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        with ctx.Pool(workers) as pool:
            for res in pool.imap(_run_range, jobs):
                take(res)
    tokens = set()  # table words, names and handles, split and lower-cased
    for w in used:
        tokens.update(w.lower().split())
    n_tail = bin(tail).count("1")  # computed tail words: all distinct pseudo-words
    stats = {
        "articles": totals[0],
        "comments": totals[1],
        "words": totals[2],
        "bytes": totals[3],
        "distinct_words": len(tokens) + n_tail,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "seconds": round(time.perf_counter() - t0, 2),
    }
    manifest = {k: v for k, v in stats.items() if k != "seconds"}  # keep it reproducible
    with open(out_dir / ".corpus.json", "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", help="output directory (must be outside the repository)")
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--articles", type=int, help="override the article count of --size")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workers", type=int, help="processes (default min(2, CPUs))")
    ap.add_argument(
        "--allow-in-repo", action="store_true", help="allow OUT_DIR inside the repository (not recommended)"
    )
    ap.add_argument("--quiet", action="store_true", help="no progress line")
    a = ap.parse_args(argv)
    n = a.articles if a.articles is not None else SIZES[a.size]
    if n < 0:
        ap.error("--articles must be >= 0")
    out = Path(a.out_dir)
    if not a.allow_in_repo and _inside_repo(out):
        ap.error(f"OUT_DIR {out} is inside the repository; pick a path outside it (or pass --allow-in-repo)")
    show = not a.quiet and sys.stderr.isatty()

    def prog(done, total):
        print(f"\r{done:,}/{total:,} articles", end="", file=sys.stderr, flush=True)

    s = generate(out, n, seed=a.seed, progress=prog if show else None, workers=a.workers)
    if show:
        print("\r", end="", file=sys.stderr)
    print(
        f"generated {s['articles']:,} articles, {s['comments']:,} comments, "
        f"{s['words']:,} words, {s['bytes'] / 1e6:,.1f} MB, {s['distinct_words']:,} distinct "
        f"words in {s['seconds']:.1f} s (seed {a.seed}) -> {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
