"""Small study content of our own for the tests: a ``study.toml`` for the first section and a
unit glossary, so the tests do not depend on what the editors have written so far.

Text the tests look for is marked FIXTURE, so it can never be confused with real content.
"""

import re
import shutil
from pathlib import Path

from django.apps import apps

from lessons import loader

STUDY = """
big_question = "FIXTURE: How did Stalin, who played no great part in 1917, rule the Party by 1929?"
objectives = [
  "Explain how Stalin’s posts in the Party helped him rise.",
  "Compare two historians’ views of his rise.",
  "Use *figures* and a source from below to test a claim in the reading.",
]

[[interpretations]]
key = "fixture-machine"
debate = "FIXTURE: Why did Stalin win?"
historian = "Fixture Historian A"
school = "The Party machine"
summary = "Stalin won through his control of appointments (see ¶1)."
quotation = "“FIXTURE quotation A.”"
citation = "A. Historian, *A Fixture Book* (Fixture Press, 1999), p. 1."
question = "FIXTURE: How far do you agree that the Party machine explains his rise?"
paragraph = 1

[[interpretations]]
key = "fixture-ideas"
debate = "FIXTURE: Why did Stalin win?"
historian = "Fixture Historian B"
school = "Ideas and policy"
summary = "Stalin won because his policy suited the Party."
quotation = "“FIXTURE quotation B.”"
citation = "B. Historian, *Another Fixture Book* (Fixture Press, 2001), p. 2."
question = "FIXTURE: How far do you agree that policy, not the machine, explains his rise?"
paragraph = 2

[[voices]]
key = "fixture-worker"
title = "FIXTURE: A worker’s letter"
author = "A Leningrad worker"
date = "1927"
kind = "Letter to a newspaper"
origin = "Fixture Editor (ed.), *Fixture Letters* (Fixture Press, 2000), no. 3."
excerpt = "“FIXTURE excerpt.”"
headnote = "FIXTURE headnote."
paragraph = 3
sourcing = "Who wrote it?"
contextualisation = "What was happening?"
corroboration = "Which other source agrees?"
close_reading = "FIXTURE close reading: what does the word ‘FIXTURE’ show?"

[[datasets]]
key = "fixture-members"
title = "FIXTURE: Party members"
paragraph = 1
citation = "Fixture Statistician, *Fixture Tables* (Fixture Press, 2000), table 1."
note = "FIXTURE note on the figures."
chart = "line"
columns = ["Year", "Members (thousands)", "Candidates (thousands)"]
rows = [["1924", 350, 120.5], ["1925", 440, 360], ["1927", 786, 1426]]
questions = ["FIXTURE: What happened to membership?"]

[[datasets]]
key = "fixture-votes"
title = "FIXTURE: Votes at a congress"
paragraph = 3
citation = "Fixture Statistician, *Fixture Tables* (Fixture Press, 2000), table 2."
chart = "bar"
columns = ["Group", "Delegates"]
rows = [["Majority", 1200], ["Opposition", 65]]
questions = ["FIXTURE: How large was the opposition?", "FIXTURE: Why so small?"]

[[checks]]
key = "fixture-post"
question = "FIXTURE: Which post did Lenin want Stalin removed from?"
paragraph = 1

[[checks.choices]]
text = "General Secretary"
correct = true
feedback = "Right: the codicil of January 1923."

[[checks.choices]]
text = "People’s Commissar for Nationalities"
correct = false
feedback = "No: that is not the post the codicil names."

[[checks.choices]]
text = "Chairman of the Council of People’s Commissars"
correct = false
feedback = "No: Lenin himself held that post."

[[exam_questions]]
key = "fixture-how-far"
question = "FIXTURE: How far was Stalin’s hold on the Party machine the main reason for his rise?"
marks = 20
success_criteria = ["Weigh at least three factors.", "Reach a *supported* judgement."]
mark_scheme = "TEACHER-ONLY MARK SCHEME: level 4 weighs the factors."
model_answer = "TEACHER-ONLY MODEL ANSWER: the machine mattered most."

[[further_reading]]
title = "Stalin and the Soviet Union"
author = "Stephen J. Lee"
year = 1999
publisher = "Routledge"
note = "FIXTURE: the essay’s main source."

[[further_reading]]
title = "A Fixture Book"
author = "A. Historian"
year = 2005
publisher = "Fixture Press"
"""

# "Bolshevik Party" is found three times in the first reading: twice outside the highlighted
# passages (¶1) and once inside one (¶3); "NEP" once, in ¶3. Economic policies has both too.
GLOSSARY = """
[[glossary]]
key = "bolshevik-party"
term = "Bolshevik Party"
definition = "FIXTURE: Lenin’s party, later the Communist Party."
match = ["bolshevik party", "bolsheviks"]
lessons = ["rise-to-power", "economic-policies"]

[[glossary]]
key = "nep"
term = "NEP (New Economic Policy)"
definition = "FIXTURE: the economic policy of 1921–28."
match = ["nep"]
lessons = ["rise-to-power", "economic-policies"]

[[glossary]]
key = "holodomor"
term = "Holodomor"
definition = "FIXTURE: the famine in Ukraine, 1932–33."
match = ["holodomor"]
"""


def use_study_content(tmp_path: Path, monkeypatch, *, study: str = STUDY) -> Path:
    """Point the first section at a copy of its content with our ``study.toml``; return it."""
    config = apps.get_app_config("rise_to_power")
    folder = tmp_path / "rise_to_power"
    shutil.copytree(config.content_dir, folder)
    (folder / "study.toml").write_text(study, encoding="utf-8")
    monkeypatch.setattr(config, "content_dir", folder)
    return folder


def use_glossary(tmp_path: Path, monkeypatch, *, glossary: str = GLOSSARY) -> Path:
    """Point the loader at our glossary file; return its path."""
    path = tmp_path / "glossary.toml"
    path.write_text(glossary, encoding="utf-8")
    monkeypatch.setattr(loader, "GLOSSARY_PATH", path)
    return path


def set_tiers(folder: Path, tiers: dict[str, str]) -> None:
    """Give the named annotations of a copied section the tiers the test needs."""
    path = folder / "lesson.toml"
    text = path.read_text(encoding="utf-8")
    for key, tier in tiers.items():
        text, count = re.subn(
            rf'(key = "{re.escape(key)}"\n(?:[^\[].*\n)*?)tier = "\w+"',
            rf'\1tier = "{tier}"',
            text,
        )
        assert count == 1, key
    path.write_text(text, encoding="utf-8")
