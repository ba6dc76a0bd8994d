"""Skills: deterministic functions that gather facts through the tools and return typed results.

Both engines use them: the offline engine renders a skill's result with a template from
``prompts/replies``; the LLM engine gets the same result as data and writes the prose.
"""
