"""Reference scores for Glimpse's CaptionMetrics tests, computed with pycocoevalcap.

What it writes
--------------
``Tests/Fixtures/metrics/coco_caption_scores.json`` (found from this script's location):

* ``images`` -- 84 synthetic images, each with an ``id``, a ``hypothesis`` and 5 ``references``.
  All text is already tokenised: lowercase words joined by single spaces, no punctuation. This is
  exactly what pycocoevalcap's scorers receive after its PTBTokenizer, so the Swift scorers can be
  compared with them with no tokenizer in between. The captions come from a fixed word list and a
  seeded ``random.Random`` (no data set, nothing to license). Hypotheses cycle through kinds that
  stress the metrics: exact copies of a reference, references with words replaced, dropped or
  shuffled, one-word captions, repeated words, long rambling captions, another image's caption,
  word salad, n-gram repetitions, words no reference uses, and one empty hypothesis.
* ``scores`` -- corpus scores: ``bleu`` (BLEU-1..4), ``rouge_l``, ``cider_d``, ``cider_plain``.
* ``per_image`` -- the same per image, in the order of ``images``.

Which scorer is which
---------------------
* BLEU-1..4: ``pycocoevalcap.bleu.bleu.Bleu(4)`` (corpus level, option ``closest``).
* ROUGE-L: ``pycocoevalcap.rouge.rouge.Rouge()``.
* CIDEr-D: ``pycocoevalcap.cider.cider.Cider()``. Its scorer *is* CIDEr-D, the metric the COCO
  server reports under the name "CIDEr": tf-idf n-gram vectors (n = 1..4, document frequency from
  the evaluated set's references, idf = log(#images) - log(max(1, df))), the hypothesis vector
  clipped by the reference vector (min), a Gaussian length penalty with sigma = 6, averaged over the
  references and over n, times 10. It is the same computation as coco-caption's
  ``pycocoevalcap/cider/cider_scorer.py`` and as ``ciderD_scorer.py`` of the CIDEr authors' code
  (vrama91/cider, df_mode "corpus"), except that pycocoevalcap 1.2 guards the division when a norm
  is zero. The script checks it against its own transcription of that scorer (``cider_scores``
  below with ``clipped=True``).
* Plain CIDEr: the CIDEr authors' original scorer (vrama91/cider, ``pyciderevalcap/cider``), which
  PyPI does not ship; transcribed below (``clipped=False``): no clipping, no length penalty, still
  averaged over references and n and multiplied by 10.
* METEOR and the PTB tokenizer need Java and are not used.

How to run
----------
    python3 -m venv venv && venv/bin/pip install pycocoevalcap   # once (pycocoevalcap 1.2)
    venv/bin/python Scripts/reference/metrics_fixture.py

The script installs nothing. Deterministic: the same pycocoevalcap gives the same file.
"""

import json
import math
import os
import random
from collections import defaultdict

from pycocoevalcap.bleu.bleu import Bleu
from pycocoevalcap.cider.cider import Cider
from pycocoevalcap.rouge.rouge import Rouge

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "metrics")
SEED = 20240611
IMAGE_COUNT = 84

# --------------------------------------------------------------------------- synthetic captions

SUBJECTS = ["man", "woman", "dog", "cat", "boy", "girl", "child", "horse", "bird", "player",
            "surfer", "skier", "cyclist", "puppy", "person"]
ADJECTIVES = ["young", "old", "black", "white", "brown", "small", "large", "red", "blue", "happy",
              "little", "wet", "tall", "spotted"]
VERBS = [("runs", "running"), ("jumps", "jumping"), ("sits", "sitting"), ("stands", "standing"),
         ("plays", "playing"), ("walks", "walking"), ("rides", "riding"), ("swims", "swimming"),
         ("climbs", "climbing"), ("looks", "looking")]
PREPOSITIONS = ["on", "in", "near", "across", "through", "under", "beside", "over", "along"]
PLACES = ["grass", "beach", "street", "park", "water", "snow", "field", "road", "wall", "sand",
          "rock", "pool", "hill", "bridge"]
OBJECTS = ["ball", "frisbee", "stick", "hat", "shirt", "bag", "kite", "board", "rope", "toy"]
FILLER = ["and", "while", "with", "there", "is", "some", "very", "near", "its", "his", "her",
          "other", "two", "three", "people", "behind", "front", "of", "a", "the"]
UNSEEN = ["zebra", "xylophone", "quantum", "umbrella", "violin", "tractor"]


def reference_captions(rng, subject, adjective, verb, preposition, place, thing):
    """Five varied references describing one scene."""
    third, ing = verb
    adjective2 = rng.choice(ADJECTIVES)
    templates = [
        ["a", adjective, subject, third, preposition, "the", place],
        ["the", subject, "is", ing, preposition, "a", adjective2, place],
        ["a", subject, "with", "a", thing, third, preposition, "the", place],
        ["there", "is", "a", adjective, subject, ing, preposition, "the", place],
        ["a", subject, ing],
        ["an", "image", "of", "a", subject, preposition, "the", place],
        ["a", adjective, subject, "is", ing, "with", "a", adjective2, thing, preposition, "the", place],
        ["two", subject + "s", ing, preposition, "the", place, "together"],
        ["a", subject, third, preposition, "the", place, "and", "a", thing, "is", "on", "the", place],
    ]
    picks = rng.sample(range(len(templates)), 5)
    return [" ".join(templates[i]) for i in picks]


def perturb_replace(rng, words, count):
    words = list(words)
    vocabulary = SUBJECTS + ADJECTIVES + PLACES + OBJECTS + FILLER
    for _ in range(count):
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
    return words


def hypothesis_for(rng, index, references, all_references):
    """A hypothesis of the kind chosen by ``index``, built from this image's references."""
    kind = index % 12
    base = rng.choice(references).split()
    if kind == 0:  # exact copy of one reference
        return " ".join(base)
    if kind == 1:  # one to three words replaced
        return " ".join(perturb_replace(rng, base, rng.randint(1, 3)))
    if kind == 2:  # words dropped
        kept = [w for w in base if rng.random() > 0.35] or base[:1]
        return " ".join(kept)
    if kind == 3:  # a single word
        return rng.choice([base[1] if len(base) > 1 else base[0], rng.choice(FILLER), "a"])
    if kind == 4:  # repeated words
        word = rng.choice(base)
        return " ".join(["a"] + [word] * rng.randint(3, 7) + base[:2])
    if kind == 5:  # long and rambling
        other = rng.choice(references).split()
        tail = [rng.choice(FILLER + PLACES + OBJECTS) for _ in range(rng.randint(8, 16))]
        return " ".join(base + ["and"] + other + tail)
    if kind == 6:  # another image's reference
        return rng.choice(rng.choice(all_references))
    if kind == 7:  # word salad
        vocabulary = SUBJECTS + ADJECTIVES + PLACES + OBJECTS + FILLER
        return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(4, 12)))
    if kind == 8:  # shuffled reference
        shuffled = list(base)
        rng.shuffle(shuffled)
        return " ".join(shuffled)
    if kind == 9:  # a repeated n-gram
        return " ".join(base[:3] + base[:3] + base[3:])
    if kind == 10:  # words no reference uses, mixed with a few that do
        return " ".join([rng.choice(UNSEEN) for _ in range(3)] + base[:2])
    # kind 11: two references glued together (clipping and brevity both matter)
    return " ".join(base + rng.choice(references).split())


def build_images():
    rng = random.Random(SEED)
    scenes = []
    for _ in range(IMAGE_COUNT):
        scene = (rng.choice(SUBJECTS), rng.choice(ADJECTIVES), rng.choice(VERBS),
                 rng.choice(PREPOSITIONS), rng.choice(PLACES), rng.choice(OBJECTS))
        scenes.append(reference_captions(rng, *scene))
    images = []
    for index, references in enumerate(scenes):
        hypothesis = hypothesis_for(rng, index, references, scenes)
        images.append({"id": "img%03d" % index, "hypothesis": hypothesis, "references": references})
    # Hand-made edge cases.
    images[5]["hypothesis"] = ""  # empty hypothesis
    images[17]["references"][1] = images[17]["references"][0]  # two identical references
    images[29]["hypothesis"] = "a dog dog dog dog dog dog dog dog"  # repetition vs clipping
    images[41]["hypothesis"] = " ".join(images[41]["references"][0].split()[:6])  # closest-length ties
    images[41]["references"][1] = " ".join(["a"] * 5)
    images[41]["references"][2] = " ".join(["the"] * 7)
    images[53]["hypothesis"] = "zebra xylophone quantum umbrella"  # nothing matches
    return images


# --------------------------------------------------------------------------- CIDEr transcription

def precook(sentence, n=4):
    words = sentence.split()
    counts = defaultdict(int)
    for k in range(1, n + 1):
        for i in range(len(words) - k + 1):
            counts[tuple(words[i:i + k])] += 1
    return counts


def cider_scores(hypotheses, references, clipped, n=4, sigma=6.0):
    """Per-image CIDEr-D (``clipped=True``) or plain CIDEr (``clipped=False``), as the CIDEr
    authors' ``ciderD_scorer.py`` / ``cider_scorer.py`` compute them with df_mode "corpus"."""
    crefs = [[precook(r, n) for r in refs] for refs in references]
    ctest = [precook(h, n) for h in hypotheses]
    document_frequency = defaultdict(float)
    for refs in crefs:
        for ngram in set(ngram for ref in refs for ngram in ref):
            document_frequency[ngram] += 1
    ref_len = math.log(float(len(crefs)))

    def counts2vec(counts):
        vec = [defaultdict(float) for _ in range(n)]
        norm = [0.0] * n
        length = 0
        for ngram, term_freq in counts.items():
            df = math.log(max(1.0, document_frequency.get(ngram, 0.0)))
            order = len(ngram) - 1
            vec[order][ngram] = float(term_freq) * (ref_len - df)
            norm[order] += vec[order][ngram] ** 2
            if order == 1:
                length += term_freq
        return vec, [math.sqrt(x) for x in norm], length

    def sim(vec_hyp, vec_ref, norm_hyp, norm_ref, length_hyp, length_ref):
        delta = float(length_hyp - length_ref)
        val = [0.0] * n
        for order in range(n):
            for ngram, value in vec_hyp[order].items():
                ref_value = vec_ref[order].get(ngram, 0.0)
                val[order] += (min(value, ref_value) if clipped else value) * ref_value
            if norm_hyp[order] != 0 and norm_ref[order] != 0:
                val[order] /= norm_hyp[order] * norm_ref[order]
            if clipped:
                val[order] *= math.e ** (-(delta ** 2) / (2 * sigma ** 2))
        return val

    scores = []
    for test, refs in zip(ctest, crefs):
        vec, norm, length = counts2vec(test)
        total = [0.0] * n
        for ref in refs:
            vec_ref, norm_ref, length_ref = counts2vec(ref)
            for order, value in enumerate(sim(vec, vec_ref, norm, norm_ref, length, length_ref)):
                total[order] += value
        scores.append(sum(total) / n / len(refs) * 10.0)
    return scores


# --------------------------------------------------------------------------- main

def main():
    images = build_images()
    gts = {image["id"]: list(image["references"]) for image in images}
    res = {image["id"]: [image["hypothesis"]] for image in images}

    bleu, bleu_per_image = Bleu(4).compute_score(gts, res, verbose=0)
    rouge, rouge_per_image = Rouge().compute_score(gts, res)
    cider_d, cider_d_per_image = Cider().compute_score(gts, res)

    hypotheses = [image["hypothesis"] for image in images]
    references = [image["references"] for image in images]
    own_cider_d = cider_scores(hypotheses, references, clipped=True)
    for mine, theirs in zip(own_cider_d, cider_d_per_image):
        assert abs(mine - theirs) <= 1e-12 * max(1.0, abs(theirs)), (mine, theirs)
    cider_plain = cider_scores(hypotheses, references, clipped=False)

    fixture = {
        "description": "pycocoevalcap 1.2 scores on pre-tokenised synthetic captions; "
                       "written by Scripts/reference/metrics_fixture.py",
        "seed": SEED,
        "images": images,
        "scores": {
            "bleu": [float(x) for x in bleu],
            "rouge_l": float(rouge),
            "cider_d": float(cider_d),
            "cider_plain": float(sum(cider_plain) / len(cider_plain)),
        },
        "per_image": {
            "bleu": [[float(bleu_per_image[k][i]) for k in range(4)] for i in range(len(images))],
            "rouge_l": [float(x) for x in rouge_per_image],
            "cider_d": [float(x) for x in cider_d_per_image],
            "cider_plain": [float(x) for x in cider_plain],
        },
    }
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "coco_caption_scores.json")
    with open(path, "w") as handle:
        json.dump(fixture, handle, indent=1)
        handle.write("\n")
    print("wrote %s: %d images, BLEU %s, ROUGE-L %.6f, CIDEr-D %.6f, CIDEr %.6f" % (
        os.path.relpath(path, ROOT), len(images), ["%.6f" % x for x in bleu], rouge, cider_d,
        fixture["scores"]["cider_plain"]))


if __name__ == "__main__":
    main()
