"""The services the cart calls."""
