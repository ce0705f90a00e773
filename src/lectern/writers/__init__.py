"""Writers: each turns a Timeline (and the plan) into one output format. Pure ``render`` functions; files are
written by :mod:`lectern.build` through a temporary folder."""
