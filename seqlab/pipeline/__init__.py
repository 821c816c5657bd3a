"""The whole pipeline on one text: ``explain`` (every stage with its numbers) and ``run_trace`` (a cell over its vectors).

These modules tie the stages together (text, tokens, ids, vectors, sequence
models), so they sit above all of them and below the renderers and interfaces.
"""
