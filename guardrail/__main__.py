import sys

from guardrail.cli import console

sys.exit(console())
