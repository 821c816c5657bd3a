"""The classifiers seqlab trains, by family: one owner for each list, without torch, so that the CLI can name them at
start-up (``seqlab train --help`` loads no torch) and the trainers, predictors and web app read the same lists."""

from __future__ import annotations

CELLS = ("lstm", "gru", "rnn")  # recurrent networks built by seqlab (training.networks), one per cell
LINEAR = ("tfidf", "nbsvm", "e5-head")  # classifiers with settings of their own: no epochs, layers or tokenizer
DATA_PARALLEL = (*CELLS, "e5-tune")  # the classifiers trained by seqlab's loop, which runs under DDP
