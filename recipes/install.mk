# Install the man pages.
#
#   make -f recipes/install.mk install-man PREFIX=/usr/local     # sudo for system paths
#   make -f recipes/install.mk uninstall-man PREFIX=/usr/local
#
# Run from the package root (a clone, or node_modules/dlkit). Pages go to
# $(DESTDIR)$(PREFIX)/share/man/man1 and man7 (MANDIR overrides); man-db finds them
# under /usr/local at once, and after `mandb` for `man -k`.

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
ROOT := $(dir $(lastword $(MAKEFILE_LIST)))..
PAGES1 := $(wildcard $(ROOT)/man/*.1)
PAGES7 := $(wildcard $(ROOT)/man/*.7)

.PHONY: install-man uninstall-man
install-man:
	install -d "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man7"
	install -m 644 $(PAGES1) "$(DESTDIR)$(MANDIR)/man1/"
	install -m 644 $(PAGES7) "$(DESTDIR)$(MANDIR)/man7/"

uninstall-man:
	cd "$(DESTDIR)$(MANDIR)" && rm -f $(addprefix man1/,$(notdir $(PAGES1))) $(addprefix man7/,$(notdir $(PAGES7)))
