"""Route constants: pages link to these names, never to string paths of their own."""

HOME = "/"
MUNICIPALITIES = "/kommuner"
HELP = "/hjelp"
