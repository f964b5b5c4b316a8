"""The MNIST training page: form, worker thread, live plots, model diagram and a look inside."""
