"""`python -m nnsh_kernel -f CONNECTION_FILE`: what kernel.json starts."""

from ipykernel.kernelapp import IPKernelApp

from .kernel import NNSHKernel

IPKernelApp.launch_instance(kernel_class=NNSHKernel)
