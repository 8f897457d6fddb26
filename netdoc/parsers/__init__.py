"""Pure parsers: text or JSON in, model objects out. No I/O here: callers hand over the text.

Every parser raises nothing but ParseError, and prefers a partial result with warnings to an error.
"""
