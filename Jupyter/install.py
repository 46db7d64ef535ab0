"""Installs the nnsh kernelspec for this user: `python3 Jupyter/install.py PATH/TO/nnsh`.

The kernelspec starts `python3 -m nnsh_kernel` with this folder on PYTHONPATH and the given
nnsh binary as $NNSH_EXECUTABLE, so neither needs to be installed elsewhere.
"""

import json
import os
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpecManager


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        sys.exit("usage: python3 Jupyter/install.py PATH/TO/nnsh (an executable nnsh)")
    nnsh = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "kernel.json")) as f:
        spec = json.load(f)
    spec["argv"][0] = sys.executable
    spec["env"] = {"NNSH_EXECUTABLE": nnsh, "PYTHONPATH": here}
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "kernel.json"), "w") as f:
            json.dump(spec, f, indent=2)
        path = KernelSpecManager().install_kernel_spec(folder, "nnsh", user=True)
    print(f"installed the nnsh kernel in {path} (nnsh: {nnsh})")


if __name__ == "__main__":
    main()
