"""Runs Notebooks/tour.ipynb headless with the nnsh kernel, as Jupyter would, and checks it.

    python3 Jupyter/test_notebook.py PATH/TO/nnsh [OUT.ipynb]

Executes every cell with nbclient (the kernel from a kernelspec in a temporary JUPYTER_PATH,
nothing installed; the working directory is Notebooks/, so the notebook's relative paths are
the ones a person gets) and checks the outputs: no error outputs, an SVG picture in each cell
of a view (plot, show, eval, errors, inspect), training as one display ending at its last
epoch, the test accuracy above a bound, gradcheck's verdict, the saved model loading back, and
the drawn 3 classified. OUT.ipynb, if given, receives the executed notebook (to look at or render). The
model file the notebook saves is removed afterwards. Exit status 0 when all pass.
"""

import os
import re
import sys
import tempfile

from test_kernel import TIMEOUT, make_spec

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.join(os.path.dirname(HERE), "Notebooks")
TOUR = os.path.join(NOTEBOOKS, "tour.ipynb")
# The tour trains on 3,000 digits for five epochs: about 90% on its 1,000 test digits.
ACCURACY_BOUND = 85.0

PASSED = []


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    PASSED.append(what)
    print(f"ok: {what}")


def cell(nb, start):
    """The first code cell with a line starting with `start`."""
    for c in nb.cells:
        if c.cell_type == "code" and any(line.startswith(start) for line in c.source.splitlines()):
            return c
    raise AssertionError(f"the tour has no line starting with {start!r}")


def svgs(c):
    return [o.data["image/svg+xml"] for o in c.outputs
            if o.output_type == "display_data" and "image/svg+xml" in o.data]


def text(c):
    """The cell's stream text and the plain text of its displays, joined."""
    parts = []
    for o in c.outputs:
        if o.output_type == "stream":
            parts.append(o.text)
        elif o.output_type in ("display_data", "execute_result"):
            parts.append(o.data.get("text/plain", "") + "\n")
    return "".join(parts)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python3 Jupyter/test_notebook.py PATH/TO/nnsh [OUT.ipynb]")
    nnsh = os.path.abspath(sys.argv[1])
    mnist = os.path.join(os.path.dirname(HERE), "Data", "mnist")
    if not any(os.path.exists(os.path.join(mnist, "train-images-idx3-ubyte" + ext)) for ext in ("", ".gz")):
        print(f"notebook: skipped, {mnist} is absent (run Scripts/fetch-mnist.sh)")
        return
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(TOUR, as_version=4)
    check(all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"),
          "the tour is stored without outputs")
    saved = os.path.join(NOTEBOOKS, "tour.nnm")
    with tempfile.TemporaryDirectory() as folder:
        make_spec(folder, nnsh)
        os.environ["JUPYTER_PATH"] = folder
        client = NotebookClient(nb, kernel_name="nnsh", timeout=TIMEOUT * 5, startup_timeout=TIMEOUT,
                                resources={"metadata": {"path": NOTEBOOKS}})
        try:
            client.execute()
        except CellExecutionError as error:
            raise AssertionError(f"a cell of the tour failed:\n{error}")
        finally:
            if os.path.exists(saved):
                os.remove(saved)
    if len(sys.argv) == 3:
        nbformat.write(nb, sys.argv[2])

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    check(not errors, "no cell shows an error")
    for start in ("plot fit r", "plot fit.history", "show data.train", "plot net.history", "eval net test_set",
                  "wrong = errors", "inspect net", 'show "../Models/drawn-3.png"'):
        pictures = svgs(cell(nb, start))
        check(len(pictures) == 1 and "<svg" in pictures[0] and pictures[0].rstrip().endswith("</svg>"),
              f"{start}: an SVG picture")
    drawn = cell(nb, 'show "../Models/drawn-3.png"')
    check("█" not in "".join(o.text for o in drawn.outputs if o.output_type == "stream"),
          "a picture is not drawn a second time as text")

    for start, epochs in (("train fit r", 200), ("train net train_set", 5)):
        c = cell(nb, start)
        # Besides the display, a train that took fewer threads than there are CPUs (other
        # programs busy when it started: `set threads auto`) says so in one line of text.
        rest = [o for o in c.outputs[1:]
                if not (o.output_type == "stream" and o.text.startswith("(trained on "))]
        check(c.outputs and c.outputs[0].output_type == "display_data" and not rest
              and c.outputs[0].data["text/plain"].startswith(f"epoch {epochs}/{epochs}"),
              f"{start}: one progress display, ending at epoch {epochs}")

    confusion = svgs(cell(nb, "eval net test_set"))[0]
    check("Confusion matrix" in confusion, "eval shows the confusion matrix")
    accuracy = re.match(r"accuracy (\d+\.\d+)%", text(cell(nb, "eval net test_set")))
    check(accuracy is not None, "eval reports the accuracy")
    check(float(accuracy.group(1)) > ACCURACY_BOUND,
          f"test accuracy {accuracy.group(1)}% above {ACCURACY_BOUND}%")
    check(re.search(r"\d+ of 1000 examples misclassified", text(cell(nb, "wrong = errors"))) is not None,
          "errors counts the misclassified digits")
    check(re.search(r"^max relative error \S+ \(ok\)$", text(cell(nb, "gradcheck")), re.M) is not None,
          "gradcheck agrees with finite differences")
    check(all(o.data.get("text/plain") == "" for o in cell(nb, "gradcheck").outputs if o.output_type == "display_data"),
          "gradcheck's progress line is gone when it ends")
    loaded = text(cell(nb, 'save net "tour.nnm"'))
    check(loaded.startswith("saved 784 → 64 relu → 10 softmax to tour.nnm") and "784 → 64 relu → 10 softmax" in loaded.splitlines()[1],
          "the saved network loads back")
    check(re.search(r"^3  \(p=\d\.\d{3}\)\ntop 3: 3 ", text(cell(nb, "classify again")), re.M) is not None,
          "the loaded network classifies the drawn 3 as a 3, with the top 3")
    print(f"notebook: {len(PASSED)} passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        print(f"notebook: {len(PASSED)} passed, 1 failed")
        raise
