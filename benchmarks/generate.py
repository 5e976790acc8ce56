"""Generate a synthetic anthology of any size, in Octavo's content format.

    python benchmarks/generate.py N OUT_DIR [--seed S] [--parts P | --flat] [--count-pages]

writes OUT_DIR/anthology.toml, a foreword, one intro per part and N reviews in
OUT_DIR/reviews/part-NN/. Every review has its own random generator, seeded from
the seed and its number, so review i is byte-identical whatever N (the corpora
nest), and the same arguments always give the same bytes.

Each review has 600 to 1,000 words in 5 to 9 paragraphs, with italics, sometimes
a blockquote, a footnote in about a third of them, a rating on one of several
scales (4/5, 3.5/4, 7/10, 82/100, B+), a reviewer from a pool of 30, a year, a
kind, tags and sometimes a headline and a pull quote. The prose comes from
sentence templates over a vocabulary of a few thousand English words, so that
hyphenation and line breaking meet a realistic spread of word lengths. None of
it is real published text.

By default the book has one part per 50 reviews; ``--parts P`` asks for P parts
of equal size instead. Each part takes its reviews with an ``include`` glob of
its folder and is sorted its own way (by title, year, rating or reviewer).

``--flat`` writes the same reviews, byte for byte, with no ``[[sections]]`` at all:
every review in one list, sorted by title, the files straight in OUT_DIR/reviews/ and
no part intros, as ``octavo import`` leaves a book.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from pathlib import Path

DEFAULT_SEED = 20240601
PER_PART = 50

# --- the vocabulary -----------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


ADJECTIVES = _words(
    """
abrasive absorbing abstract absurd accomplished accurate affectionate agile
airless alert allusive ambiguous ambitious ample ancient angular anxious
apparent arbitrary archaic ardent arid artful ascetic assured astonishing
astringent athletic atmospheric attentive audacious austere awkward baroque
barren bashful beguiling belated bewildering bitter bland bleak blunt boisterous
bold brash brazen breathless brief bright brilliant brisk brittle broad bruised
brutal buoyant burnished busy callous calm candid capable capricious careful
careless casual cautious celebrated ceremonial certain challenging charming
chaotic chilly circular civil clamorous clear clever clinical closed cloudy
clumsy coarse cold colourful comfortable comic commanding compact compassionate
complacent complete complex composed comprehensive conscientious considerable
consistent conspicuous constant contemplative contradictory conventional
convincing cool cordial courageous courteous crafty cramped credible crisp
crowded crucial cruel cryptic curious cursory dainty damp daring dark dazzling
decisive decorous deep defiant deft delicate delirious dense desolate desperate
detached devoted devout diffident diligent dim direct discreet dishevelled
distant distinct distinguished dogged domestic dour dramatic dreamlike dreary
drowsy dry dusty dutiful eager earnest earthy eccentric economical ecstatic
effortless elaborate elastic elegant elegiac elliptical eloquent elusive
eminent emphatic empty enchanting endless energetic enigmatic enormous
entertaining enthusiastic ephemeral episodic erratic erudite essential evasive
evident exacting exasperating excessive exhausting exotic expansive expensive
explicit exquisite extravagant exuberant faded faint faithful familiar famous
fanciful fantastic fastidious fatal fearless feeble fervent festive feverish
fierce fiery firm fitful flamboyant flat fleeting flexible flimsy florid fluent
foolish forceful formal formidable forthright fortunate fractured fragile
fragmentary frail frank frantic fraught free frenetic fresh frigid frivolous
frugal fugitive furious futile gallant garish gaudy generous gentle genuine
ghostly giddy glacial glib gloomy glorious glossy gorgeous graceful gracious
grand graphic grateful grave gregarious grim gritty grotesque grudging gruff
guarded haphazard hardy harmonious harsh hasty haughty haunted heavy hectic
heedless hesitant hidden hilarious hollow homely honest hopeful horizontal
hospitable hostile humane humble humid humorous hungry hurried hushed hypnotic
icy idealistic idiosyncratic idle ignorant illuminating illustrious imaginative
immaculate immense impartial impatient impeccable imperfect imperious
impetuous implausible impressive impudent impulsive inarticulate incandescent
incisive incoherent incomplete inconsistent indifferent indignant indolent
indulgent industrious inept inevitable inexhaustible infectious ingenious
innocent inquisitive insistent insolent inspired intense intimate intricate
intrepid inventive invisible irascible ironic irregular irresistible jagged
jaunty jealous jovial joyful joyless judicious keen laborious laconic
languid large lavish lazy lean learned leisurely lethargic level liberal
light limber limpid literal lively loftier lonely loose loquacious lucid
ludicrous luminous lurid luscious lyrical magnificent majestic malleable
meandering measured mechanical meditative melancholy mellow melodious
memorable menacing merciful mercurial meticulous mild militant minimal
mischievous miserable modest momentous monotonous monumental moody morbid
mournful muddled mundane murky muscular musical mysterious naive narrow nervous
neutral nimble noble nocturnal noisy nonchalant nostalgic notable novel
numerous obedient oblique obscure observant obstinate obvious odd ominous
opaque opulent orderly ordinary ornate outrageous overwrought painful
painstaking pale palpable paradoxical passionate passive pastoral patient
peculiar pensive perceptive peripheral perplexing persistent persuasive
pertinent pessimistic petulant philosophical picturesque piercing placid
plain playful pleasant plentiful poignant polished polite pompous ponderous
populous portentous powerful practical precarious precious precise
precocious predictable prescient pristine private prodigious profound prolific
prominent prosaic provocative prudent puzzling quaint quarrelsome queasy
querulous quiet quixotic radiant ragged rambling rapid rapturous rare
rational raucous raw reckless refined reflective relentless reluctant
remarkable remote resilient resolute resonant respectful restless restrained
reticent rhythmic rich ridiculous rigid rigorous robust romantic rough rowdy
rueful rugged rustic ruthless sacred sardonic savage scandalous scarce
sceptical scholarly scrupulous searching secluded secretive sedate seductive
sensible sensitive sensual sentimental serene serious severe shadowy shallow
sharp sheer shimmering shrewd shy silent simple sincere skeletal skilful
sleek slender slight slippery sluggish sly small smooth sober solemn solid
sombre sonorous sophisticated sparse spectacular spirited splendid spontaneous
sprawling spry stark startling static staunch steady stealthy steep sterile
stern stiff stilted stoic stormy straightforward strange strenuous strict
striking stubborn sturdy subdued subtle sudden sullen sultry sumptuous sunny
superb superficial supple surreal suspicious sweeping swift symmetrical
taciturn tactful tangible tart tedious tempestuous tenacious tender tense
tentative terse theatrical thorough thoughtful threadbare thrilling tidy
timeless timid tired tireless tortuous tranquil transparent tremulous
triumphant trivial troubled truculent turbulent uncanny uncertain uncommon
understated uneasy uneven unflinching unforgiving unhurried unkempt
unpredictable unruly unsentimental unsettling unwieldy upright urbane urgent
vague vain valiant vast vehement velvety venerable verbose versatile vibrant
vigilant vigorous vindictive violent virtuous visceral vivid volatile
voluble vulnerable wary weary weightless whimsical wicked wily wistful
withering witty woeful wondrous wooden wretched wry youthful zealous
"""
)

NOUNS = _words(
    """
absence accent accident account achievement acquaintance action admiration
adventure advice affection afternoon agreement allegiance allegory ambition
amusement anecdote anger angle anguish anthem anxiety apartment apology
appetite applause approach archive argument arrangement arrival artifice
aspiration assembly assumption atmosphere attention attitude audience
authority autumn avenue balance ballad banquet bargain barrier basement
battle beauty behaviour belief betrayal boredom boundary bravado breakfast
breath brevity bridge brother burden cabinet cadence calamity calendar
candour canvas capital career carnival catalogue catastrophe cathedral caution
ceiling celebration century ceremony certainty chamber chance chaos character
charity charm childhood chorus chronicle circumstance citizen civility clarity
climate climax clockwork cloister closeness coincidence collapse collection
comedy comfort commerce commitment companion comparison compassion complaint
composure compromise conceit concern conclusion condition confession
confidence conflict confusion conscience consequence conspiracy contempt
contrast conversation conviction corridor costume cottage country courage
courtship cowardice craft credulity crisis criticism cruelty curiosity current
custom danger darkness daughter daylight debate decade deception decision
decline dedication defeat defiance delight democracy departure descent desert
desire despair destiny detail devotion dialogue dignity dilemma direction
disappointment discipline discovery disguise dismay distance distraction
doctrine domesticity doubt drawing dread dream duty dynasty economy ecstasy
edifice education effort elegance embarrassment emergency emotion emphasis
empire encounter endurance enemy energy engine enterprise enthusiasm envy
epilogue episode equilibrium error escape essence estate eternity evening
evidence exactness exaggeration example excess exchange excitement exile
existence expectation expedition experience experiment explanation expression
fable facade faith family famine fantasy farewell fashion father fatigue
favour feast feeling festival fever fiction fidelity figure finale
fireplace flourish folly foreground foreigner forgiveness fortune foundation
fragment freedom friendship frontier frustration funeral furniture future
gallery garden generation generosity genius gesture ghost glamour gossip
government grace gratitude gravity grief grievance guilt habit harbour harmony
harvest hatred heritage heroine hesitation highway history holiday homecoming
honesty honour horizon horror hospitality household humility humour hunger
hypothesis identity idleness ignorance illusion imagination imitation
impatience impression impulse incident independence indifference indulgence
industry inheritance injustice innocence insight insistence instinct
institution integrity intelligence intention interior interlude interval
intimacy intrigue invention irony isolation jealousy journey judgement
justice kindness kingdom knowledge labour labyrinth landscape language
laughter legacy legend leisure lesson letter liberty library lifetime
likeness literature loneliness longing loyalty luxury machinery madness
magistrate majority manner manuscript marriage masterpiece meadow melancholy
melody memory menace mercy message metaphor method midnight minority miracle
mischief misfortune mistake moderation modesty momentum monarchy monologue
monument mood morality morning mother motive mountain mourning movement
multitude mystery mythology narrative nation nature necessity neighbour
nightmare nobility nonsense nostalgia novelty obedience obligation obsession
occasion ocean omission opinion opportunity optimism orchestra order origin
ornament outcome outsider pageant panorama parable paradise paradox parody
passage passion patience pattern penance perception performance peril
permission persistence perspective phenomenon philosophy photograph pilgrimage
pleasure poetry politics portrait possession poverty precision prejudice
premise presence pressure pretence pride principle prison privacy privilege
procession prologue promise prophecy proportion prosperity protest proverb
providence province provocation prudence punishment purpose puzzle quarrel
question rebellion recklessness recollection reconciliation refuge regret
rehearsal relationship relief religion reluctance remedy repetition
reputation resentment resignation resistance resolution restraint revelation
revenge reverence revolution rhetoric rhythm ridicule ritual rivalry romance
routine ruin rumour sacrifice sadness sanctuary satire scandal scarcity
scenery scepticism scholarship scruple season secret security seduction
sensation sentiment servant settlement shadow shelter shipwreck silence
simplicity sincerity situation sketch solitude sorrow spectacle speculation
splendour stability staircase stillness stranger strategy subtlety suburb
suffering suggestion summer superstition surface surprise surrender
suspicion sympathy symphony talent tapestry temper temptation tenderness
tension territory testimony theory threshold thunder tolerance torment
tradition tragedy transformation translation treachery treasure tribute
triumph trouble twilight tyranny uncertainty understanding uneasiness
uniform universe upheaval vanity variation vengeance verdict victory
vigilance village violence virtue vision vocation voyage vulnerability
warning weakness wealth weariness wedding wilderness window winter wisdom
witness wonder workshop worship yearning youth
"""
)

VERBS = _words(
    """
abandons absorbs accelerates accommodates accumulates acknowledges
admits adorns alters amplifies anticipates appeases articulates assembles
balances banishes betrays borrows burdens buries calibrates captures
celebrates challenges circles clarifies collapses commands complicates
conceals concedes condenses confronts conjures consoles constructs
contradicts crowds cultivates dazzles decorates defers defies delays
delivers demolishes deserves dismantles disguises dissolves distils disturbs
dramatises echoes elevates embraces embroiders emphasises enacts encloses
endures enlarges entangles entertains erases escapes evokes exaggerates
examines exhausts exposes extends fractures frames gathers guards harbours
hides honours hurries illuminates imitates implies improvises inherits
insists interrogates interrupts invents invites isolates juggles justifies
lingers magnifies measures mimics misjudges mocks multiplies neglects
notices obscures observes organises outgrows overturns overwhelms paces
pardons performs persuades postpones preserves pretends protects provokes
punctures pursues questions reassembles recasts reconstructs recovers
redeems refuses reimagines rejects releases remembers renders repeats
rescues resists restores reveals reverses revisits rewards ridicules
salvages scatters scrutinises seduces sharpens shelters shoulders
simplifies smothers softens squanders stages steadies straddles
strengthens subverts summons surrenders suspends sustains tempers tests
threatens tightens tolerates transforms translates trivialises
undermines unravels unsettles upholds violates wastes withholds
"""
)

ADVERBS = _words(
    """
almost barely briefly carefully constantly curiously deliberately eventually
finally firmly gently gradually hardly mostly nearly never occasionally
often openly partly patiently perhaps persistently quietly rarely readily
rightly scarcely seldom silently slowly softly sometimes steadily
strangely stubbornly suddenly surely thoroughly tirelessly truly
unexpectedly usually wisely
"""
)

# Each kind of work has its own words for its parts, and its own tags.
KIND_NOUNS = {
    "film": _words(
        """camera cinematography close-up cut dissolve editing frame
        lighting montage screenplay sequence shot soundtrack tracking-shot
        widescreen score set-piece flashback ensemble performance"""
    ),
    "book": _words(
        """chapter narrator prose paragraph sentence afterword epigraph
        translation footnote protagonist plot dialogue syntax stanza
        trilogy prologue margin index typeface"""
    ),
    "album": _words(
        """chorus verse bridge arrangement guitar piano drummer
        production refrain harmony synthesizer bassline tempo falsetto
        lyric melody mixing track coda"""
    ),
    "series": _words(
        """episode season finale pilot showrunner cliffhanger subplot
        ensemble premise arc writers'-room recap cold-open"""
    ),
    "game": _words(
        """level mechanic controller quest checkpoint map puzzle
        inventory soundtrack campaign difficulty cutscene save-point
        open-world"""
    ),
    "stage": _words(
        """production staging ensemble soliloquy interval curtain
        chorus choreography lighting scenography proscenium revival
        understudy matinee"""
    ),
}
KIND_TAGS = {
    "film": ["drama", "comedy", "thriller", "documentary", "horror", "western", "romance"],
    "book": ["novel", "memoir", "poetry", "essays", "history", "biography", "crime"],
    "album": ["jazz", "folk", "electronic", "rock", "classical", "soul"],
    "series": ["drama", "comedy", "crime", "miniseries", "science fiction"],
    "game": ["puzzle", "adventure", "strategy", "role-playing", "platformer"],
    "stage": ["opera", "musical", "tragedy", "comedy", "dance", "revival"],
}
KINDS = ["film"] * 6 + ["book"] * 5 + ["album"] * 3 + ["series"] * 2 + ["game", "stage"] * 2
THEMES = _words(
    """memory exile family grief ambition war childhood faith money love
    migration ageing labour friendship revenge"""
)

FIRST_NAMES = _words(
    """Ada Agnes Ahmed Aino Alba Amara Anders Anouk Arjun Astrid Beatriz
Bram Caio Carmen Cosima Dara Dmitri Edda Elif Emeka Esther Fatima Felix Freya
Gideon Greta Hamid Hana Hugo Ilse Imogen Ines Ivo Jalen Joaquim Kaito Kasia
Lars Leila Lucia Mads Marek Mira Nadia Nils Noor Odile Omar Orla Pavel Priya
Quentin Rafael Rania Rosalind Ruben Saoirse Sefa Soren Tamsin Teodor Thandiwe
Tomas Ulla Valentin Vesna Wanjiru Xavier Yara Yusuf Zofia Zeno"""
)
LAST_NAMES = _words(
    """Abernathy Achebe Alcott Almeida Arkwright Baptiste Barros
Beaumont Bergström Blackwood Brennan Castellanos Chowdhury Costa Dalgaard
Delacroix Dunmore Ekwueme Eriksen Faulkner Fenwick Ferreira Gallagher Gardiner
Haddad Halloran Hollis Ibarra Iwasaki Jansen Kalinowski Kaur Kowalczyk
Lindqvist Lombardi Mbeki Moreau Nakamura Novak Nwosu Okafor Ostrowski Petrov
Quinlan Rahman Rinaldi Rousseau Sandoval Sato Schreiber Szabo Thorne Underhill
Valdez Varga Vasquez Whitlock Winterbourne Yilmaz Zeller Zielinski"""
)
PUBLICATIONS = [
    "The Lantern Quarterly",
    "Nitrate Review",
    "The Common Shelf",
    "Paper Lantern",
    "The Evening Critic",
    "Margins",
    "Foxed Pages",
    "The Listening Post",
    "Second Act",
    "The Long Take",
    "Controller Weekly",
    "The Reading Room",
]
TITLE_OPENINGS = [
    "The",
    "A",
    "After the",
    "Before the",
    "Beneath the",
    "Against the",
    "Notes on the",
    "Letters from the",
    "The Last",
    "Songs for the",
    "In Praise of the",
    "Under the",
]
CONNECTIVES = [
    "Yet",
    "Still",
    "Meanwhile",
    "Even so",
    "In the end",
    "At first",
    "By contrast",
    "For all that",
    "Later",
    "Above all",
    "Curiously",
    "Nevertheless",
    "Perhaps",
    "Elsewhere",
    "Admittedly",
    "Of course",
    "In fairness",
    "Now and then",
    "Oddly",
]
QUESTIONS = ["Is it fair to say that", "Does it matter that", "Who would have guessed that"]
LETTER_GRADES = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "F"]


AN = re.compile(r"\b([Aa]) (\*?[aeiou])")


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _adverb(adjective: str) -> str | None:
    """The -ly adverb of an adjective, for the suffixes whose rule is regular."""
    for ending, replacement in (
        ("ful", "fully"),
        ("ous", "ously"),
        ("ive", "ively"),
        ("al", "ally"),
        ("ent", "ently"),
        ("ant", "antly"),
        ("ic", "ically"),
        ("ble", "bly"),
        ("ish", "ishly"),
    ):
        if adjective.endswith(ending):
            return adjective[: -len(ending)] + replacement
    return None


PLURALS = [_plural(noun) for noun in NOUNS]
ADVERBS += sorted({a for a in map(_adverb, ADJECTIVES) if a is not None})
NESS = [
    a + "ness" for a in ADJECTIVES if a.endswith(("ful", "ous", "ive", "less")) and a != "naive"
]
NOUNS += NESS


def vocabulary_size() -> int:
    """How many different words the prose can draw on (without names)."""
    kind_words = {word for words in KIND_NOUNS.values() for word in words}
    words = set(ADJECTIVES) | set(NOUNS) | set(PLURALS) | set(VERBS) | set(ADVERBS)
    return len(words | kind_words | {_plural(word) for word in kind_words})


# --- the prose ------------------------------------------------------------------------


class Writer:
    """Sentences about one work, from one generator."""

    def __init__(self, rng: random.Random, work: str, kind: str, creator: str) -> None:
        self.rng = rng
        self.work = work
        self.kind = kind
        self.creator = creator
        self.surname = creator.split()[-1]
        self.parts = KIND_NOUNS[kind]

    def adj(self) -> str:
        word = self.rng.choice(ADJECTIVES)
        return f"*{word}*" if self.rng.random() < 0.03 else word

    def noun(self) -> str:
        return self.rng.choice(NOUNS)

    def nouns(self) -> str:
        return self.rng.choice(PLURALS)

    def part(self) -> str:
        return self.rng.choice(self.parts).replace("-", " ")

    def parts_(self) -> str:
        return _plural(self.rng.choice(self.parts)).replace("-", " ")

    def verb(self) -> str:
        return self.rng.choice(VERBS)

    def adv(self) -> str:
        return self.rng.choice(ADVERBS)

    def title(self) -> str:
        return f"*{self.work}*"

    def sentence(self) -> str:
        r = self.rng
        templates = (
            lambda: f"the {self.adj()} {self.noun()} {self.adv()} {self.verb()} the {self.noun()}",
            lambda: (
                f"what the {self.part()} {self.verb()} is not the {self.noun()} but the"
                f" {self.adj()} {self.noun()} that {self.verb()} it"
            ),
            lambda: (
                f"in {self.title()} the {self.noun()} {self.verb()} a {self.adj()}"
                f" {self.noun()}, and the {self.part()} {self.adv()} {self.verb()} the rest"
            ),
            lambda: (
                f"{self.surname} {self.adv()} {self.verb()} every {self.part()}, so that each"
                f" {self.noun()} feels {self.adj()} and {self.adj()}"
            ),
            lambda: (
                f"one {self.part()} after another, the {self.adj()} {self.noun()}"
                f" {self.verb()} what the {self.noun()} had {self.adv()} promised"
            ),
            lambda: (
                f"there is a {self.adj()} {self.noun()} here, a {self.adj()} {self.part()}"
                f" that {self.verb()} the {self.noun()} without ever naming it"
            ),
            lambda: (
                f"the {self.parts_()} are {self.adj()}, the {self.nouns()} {self.adj()}, and"
                f" the whole {self.adv()} {self.verb()} its own {self.noun()}"
            ),
            lambda: (
                f"it would be easy to call {self.title()} {self.adj()}, but its"
                f" {self.nouns()} are too {self.adj()} for that"
            ),
            lambda: (
                f"{self.creator} has always been drawn to {self.nouns()} and {self.nouns()},"
                f" and here the {self.part()} {self.verb()} both"
            ),
            lambda: (
                f"I kept thinking of the {self.noun()} of {self.nouns()}, which this"
                f" {self.part()} {self.adv()} {self.verb()}"
            ),
            lambda: (
                f"the {self.part()} in the middle is the {self.adj()} heart of it: a"
                f" {self.noun()} of {self.nouns()}, {self.adj()} and {self.adj()}"
            ),
            lambda: (
                f"not every {self.part()} works: one {self.verb()} the {self.noun()}, and"
                f" the next merely {self.verb()} it"
            ),
            lambda: (
                f"for a {self.kind} so {self.adj()} about {self.nouns()}, it is"
                f" {self.adv()} {self.adj()} about {self.nouns()}"
            ),
            lambda: (
                f"the {self.adj()} {self.part()} {self.verb()} a {self.noun()} we had"
                f" {self.adv()} forgotten, and the {self.noun()} {self.verb()} the rest"
            ),
            lambda: (
                f"{self.surname}'s {self.noun()} {self.verb()} the {self.noun()}, and the"
                f" {self.nouns()} do the rest"
            ),
            lambda: (
                f"whether this is a {self.noun()} or a {self.noun()} hardly matters,"
                f" since the {self.part()} {self.verb()} both with {self.adj()} {self.noun()}"
            ),
        )
        text = r.choice(templates)()
        end = r.choice([".", ".", ".", ".", ".", ".", ".", "!", "?"])
        if end == "?":
            text = f"{r.choice(QUESTIONS)} {text}"
        elif r.random() < 0.25:
            text = f"{r.choice(CONNECTIVES)}, {text}"
        text = AN.sub(lambda m: m.group(1) + "n " + m.group(2), text)
        return text[:1].upper() + text[1:] + end

    def paragraph(self, words: int) -> str:
        sentences: list[str] = []
        count = 0
        while count < words:
            sentence = self.sentence()
            sentences.append(sentence)
            count += len(sentence.split())
        return " ".join(sentences)


# --- a review -------------------------------------------------------------------------


def reviewers(seed: int) -> list[tuple[str, str]]:
    """The pool of 30 critics, each with their publication and their rating scale."""
    rng = random.Random(seed * 7919 + 17)
    names: list[str] = []
    while len(names) < 30:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in names:
            names.append(name)
    scales = ["5", "5", "5", "4", "10", "10", "100", "letter"]
    return [(name, f"{rng.choice(PUBLICATIONS)}|{rng.choice(scales)}") for name in names]


def _rating(rng: random.Random, scale: str) -> str:
    quality = rng.betavariate(4, 2)  # most reviews are kind, a few are not
    if scale == "letter":
        return LETTER_GRADES[min(len(LETTER_GRADES) - 1, int((1 - quality) * 12))]
    top = int(scale)
    if top <= 5:
        value = round(quality * top * 2) / 2
        return f"{value:g}/{top}"
    return f"{round(quality * top)}/{top}"


def _work_title(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(PLURALS).capitalize()}"
    title = f"{rng.choice(TITLE_OPENINGS)} {rng.choice(ADJECTIVES).capitalize()}"
    title += f" {rng.choice(NOUNS).capitalize()}"
    if rng.random() < 0.3:
        title += f" of {rng.choice(LAST_NAMES)}"
    return title


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def review(i: int, seed: int) -> tuple[str, str]:
    """Review number ``i`` (from 1): its file name and its text."""
    rng = random.Random(seed * 1_000_003 + i)
    kind = rng.choice(KINDS)
    work = _work_title(rng)
    creator = _person(rng)
    reviewer, about = rng.choice(reviewers(seed))
    publication, scale = about.split("|")
    year = rng.randint(1900, 2025)
    published = f"{max(year, rng.randint(1990, 2025))}-{rng.randint(1, 12):02d}"
    published += f"-{rng.randint(1, 28):02d}"
    tags = [rng.choice(KIND_TAGS[kind])]
    if rng.random() < 0.6:
        tags.append(rng.choice(THEMES))
    writer = Writer(rng, work, kind, creator)

    target = rng.randint(600, 960)
    paragraphs_count = rng.randint(5, 9)
    extras = 0
    quote = None
    if rng.random() < 0.45:
        quote = " ".join(writer.sentence() for _ in range(rng.randint(1, 2)))
        extras += len(quote.split())
    note = None
    if rng.random() < 0.33:
        note = f"{writer.sentence()} {writer.sentence()}"
        extras += len(note.split())
    per = max(40, (target - extras) // paragraphs_count)
    paragraphs = [
        writer.paragraph(int(per * rng.uniform(0.7, 1.2))) for _ in range(paragraphs_count)
    ]
    # keep the total within 600-1000 words whatever the dice said
    while sum(len(p.split()) for p in paragraphs) + extras > 1000 and len(paragraphs) > 5:
        paragraphs.pop()
    while sum(len(p.split()) for p in paragraphs) + extras < 600:
        paragraphs[-1] += " " + writer.sentence()
    if note is not None:
        k = rng.randrange(len(paragraphs))
        paragraphs[k] += "[^1]"
    if quote is not None:
        paragraphs.insert(rng.randint(1, len(paragraphs) - 1), "> " + quote)

    front = [
        f"title: {_yaml(work)}",
        f"kind: {kind}",
        f"year: {year}",
        f"creator: {_yaml(creator)}",
    ]
    if kind in ("film", "series", "stage") and rng.random() < 0.7:
        cast = ", ".join(_person(rng) for _ in range(rng.randint(2, 4)))
        front.append(f"cast: [{cast}]")
    front += [
        f"reviewer: {_yaml(reviewer)}",
        f"publication: {_yaml(publication)}",
        f"published: {published}",
    ]
    if rng.random() < 0.4:
        headline = f"The {rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS).capitalize()}"
        front.append(f"headline: {_yaml(headline)}")
    if rng.random() < 0.95:
        front.append(f"rating: {_rating(rng, scale)}")
    if kind == "film":
        front.append(f"runtime: {rng.randint(72, 185)} min")
    front.append(f"tags: [{', '.join(tags)}]")
    if rng.random() < 0.2:
        sentences = paragraphs[0].split(". ")
        pull = sentences[0].rstrip(".!?*").replace("*", "")
        if 6 <= len(pull.split()) <= 30:
            front.append(f"pullquote: {_yaml(pull + '.')}")
    body = "\n\n".join(paragraphs)
    if note is not None:
        body += f"\n\n[^1]: {note}"
    slug = "-".join(work.lower().replace("*", "").split())[:40].strip("-")
    return f"r{i:05d}-{slug}.md", "---\n" + "\n".join(front) + "\n---\n\n" + body + "\n"


# --- the anthology ----------------------------------------------------------------------

SORTS = ["title", "year", "rating", "reviewer", "published", "manual"]


def manifest(n: int, parts: int, seed: int) -> str:
    """The manifest of a book in ``parts`` parts, or of a flat book (``parts`` 0)."""
    shape = f"in {parts} parts" if parts else "in one list, no sections"
    lines = [
        "# A synthetic anthology made by benchmarks/generate.py: no real text.",
        f"# {n} reviews {shape}, seed {seed}.",
        "",
        f'title = "The Benchmark Reader: {n} Reviews"',
        'subtitle = "Films, Books, Records, Series, Games and Plays, Reviewed at Length"',
        'editors = ["B. Enchmark", "C. Orpus"]',
        'publisher = "Octavo Benchmark Press"',
        'language = "en"',
        "date = 2026-01-15",
        f'description = "A generated anthology of {n} reviews for measuring Octavo."',
        'rights = "Generated text, free of rights."',
        'style = "classic"',
        'reviews = "reviews"',
        "",
        "[print]",
        'trim = "trade"',
        "recto_starts = true",
        "",
        "# The critics rate on their own scales on purpose.",
        "[check]",
        'ignore = ["L604", "L601"]',
        "",
        "[[front]]",
        'title = "Foreword"',
        'file = "foreword.md"',
    ]
    for part in range(1, parts + 1):
        rng = random.Random(seed * 31 + part)
        name = f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(PLURALS).capitalize()}"
        lines += [
            "",
            "[[sections]]",
            f'title = "Part {part}: {name}"',
            f'intro = "sections/part-{part:02d}.md"',
            f'include = ["reviews/part-{part:02d}/*.md"]',
            f'sort = "{SORTS[(part - 1) % len(SORTS)]}"',
        ]
    lines += ["", "[[back]]", 'index = "works"', "", "[[back]]", 'index = "reviewers"', ""]
    return "\n".join(lines)


def essay(rng: random.Random, paragraphs: int, words: int) -> str:
    writer = Writer(rng, "The Benchmark Reader", "book", "B. Enchmark")
    return "\n\n".join(writer.paragraph(words) for _ in range(paragraphs)) + "\n"


#: The theme of ``--count-pages``: classic, its right-hand folios "7 of 312".
PAGES_THEME = 'name = "pages"\nextends = "classic"\n'
PAGES_CSS = '@page :right { @bottom-right { content: counter(page) " of " counter(pages) } }\n'


def generate(
    n: int,
    out: Path,
    seed: int = DEFAULT_SEED,
    parts: int | None = None,
    flat: bool = False,
    count_pages: bool = False,
) -> int:
    """Write the anthology; return how many words its reviews hold.

    ``flat``: no sections, the reviews straight in ``reviews/`` (``parts`` is ignored).
    ``count_pages``: in a theme of the book's own that prints the book's page count.
    """
    # 50 reviews a part by default, so that review i is in the same file whatever N
    per_part = PER_PART if parts is None else math.ceil(n / max(1, min(parts, n)))
    parts = 0 if flat else math.ceil(n / per_part)
    out.mkdir(parents=True, exist_ok=True)
    text = manifest(n, parts, seed)
    if count_pages:
        (out / "pages").mkdir(exist_ok=True)
        (out / "pages" / "theme.toml").write_text(PAGES_THEME, encoding="utf-8")
        (out / "pages" / "print.css").write_text(PAGES_CSS, encoding="utf-8")
        text = text.replace('style = "classic"', 'style = "./pages"')
    (out / "anthology.toml").write_text(text, encoding="utf-8")
    (out / "foreword.md").write_text(essay(random.Random(seed), 4, 110), encoding="utf-8")
    sections = out / "sections"
    for part in range(1, parts + 1):  # a flat book has no parts, and no intros
        sections.mkdir(exist_ok=True)
        text = essay(random.Random(seed * 31 + part), 1, 90)
        (sections / f"part-{part:02d}.md").write_text(text, encoding="utf-8")
    words = 0
    for i in range(1, n + 1):
        name, text = review(i, seed)
        folder = out / "reviews"
        if not flat:
            folder /= f"part-{(i - 1) // per_part + 1:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        words += len(text.split("\n---\n", 1)[1].split())
    return words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many reviews")
    parser.add_argument("out", type=Path, help="the anthology folder to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--parts", type=int, default=None, help=f"how many parts (default: one per {PER_PART})"
    )
    parser.add_argument("--flat", action="store_true", help="no sections: every review in one list")
    parser.add_argument(
        "--count-pages",
        action="store_true",
        help='a theme that prints the page count ("7 of 312", counter(pages))',
    )
    args = parser.parse_args(argv)
    if args.flat and args.parts is not None:
        parser.error("--flat and --parts do not go together")
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    words = generate(args.n, args.out, args.seed, args.parts, args.flat, args.count_pages)
    sys.stdout.write(
        f"{args.n} reviews, {words} words ({words / args.n:.0f} a review),"
        f" vocabulary {vocabulary_size()} words -> {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
