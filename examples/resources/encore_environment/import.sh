# An environment is imported by APP/ENV.
terraform import encore_environment.staging shop/staging

# Preview environments are named pr:<N>; quote the id in the shell.
terraform import encore_environment.preview 'shop/pr:42'
