# orbitviz: two commands.
#   make run    set everything up (system packages, .venv) and open the app
#   make test   set everything up plus the test tools, and run the whole suite under Xvfb
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.stamp

.PHONY: run test sysdeps bench bench-render bench-catalogue clean package

run: $(STAMP)-app
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && command -v xvfb-run >/dev/null; then \
	  echo "orbitviz: no display; running under a private Xvfb"; \
	  xvfb-run -a -s "-screen 0 1920x1080x24" $(VENV)/bin/orbitviz $(ARGS); \
	else $(VENV)/bin/orbitviz $(ARGS); fi

test: $(STAMP)-test
	@command -v Xvfb >/dev/null || { echo "Xvfb is missing: run packaging/debian-deps.sh" >&2; exit 1; }
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

sysdeps: $(STAMP)-sys

$(STAMP)-sys: packaging/debian-deps.sh
	PYTHON=$(PYTHON) ./packaging/debian-deps.sh
	@mkdir -p $(VENV) && touch $@

$(VENV)/bin/python: | $(STAMP)-sys
	$(PYTHON) -m venv $(VENV)

$(STAMP)-app: pyproject.toml setup.py $(STAMP)-sys | $(VENV)/bin/python
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	@touch $@

$(STAMP)-test: $(STAMP)-app
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

bench: $(STAMP)-app
	$(PY) bench/propagation.py

bench-render: $(STAMP)-app
	xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) bench/render.py

bench-catalogue: $(STAMP)-app
	xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) bench/catalogue.py

# make package: a one-folder PyInstaller build in dist/orbitviz/ (runs without Python), then
# its smoke test (packaging/smoke_test.sh). Not part of `make test`: it takes a minute or two.
package: $(STAMP)-package
	rm -rf dist/orbitviz build/pyinstaller
	@start=$$(date +%s); \
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
	  --workpath build/pyinstaller packaging/orbitviz.spec && \
	echo "orbitviz: built dist/orbitviz/ in $$(( $$(date +%s) - start )) s," \
	  "$$(du -sh dist/orbitviz | cut -f1)"
	./packaging/smoke_test.sh dist/orbitviz/orbitviz $(PY)

$(STAMP)-package: $(STAMP)-app
	$(PY) -m pip install -q -e '.[package]'
	@touch $@

clean:
	rm -rf $(VENV) build *.egg-info
