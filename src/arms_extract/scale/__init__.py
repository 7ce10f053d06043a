"""Past one machine: the same extraction on a Ray cluster (`arms_extract.scale.ray`, the `ray` extra).

Nothing is imported here, so `import arms_extract.scale` costs nothing without Ray installed.
"""
