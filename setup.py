"""Only what pyproject.toml cannot say: the subpackages of `flicklist`, whose folder is the
checkout's top, found rather than listed (setuptools finds them under their own names).
Folders of templates, static files and data count as packages too, so their files ship."""

from setuptools import find_namespace_packages, setup

NOT_SHIPPED = ["tests*", "bench*", "docs*", "var*", "build*", "dist*", "__pycache__"]

# script_name keeps this file out of the wheel (setuptools skips the setup script it runs).
setup(
    script_name="setup.py",
    packages=["flicklist", *(f"flicklist.{name}" for name in find_namespace_packages(exclude=NOT_SHIPPED))],
)
