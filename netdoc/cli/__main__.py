"""`python -m netdoc.cli`: the same as the `netdoc` command."""

import sys

from netdoc.cli import main

sys.exit(main())
