"""Only what pyproject.toml cannot say: the subpackages of `flicklist`, whose folder is the
checkout's top, found rather than listed (setuptools finds them under their own names)."""

from setuptools import find_packages, setup

# script_name keeps this file out of the wheel (setuptools skips the setup script it runs).
setup(
    script_name="setup.py",
    packages=["flicklist", *(f"flicklist.{name}" for name in find_packages(exclude=["tests*", "bench*"]))],
)
