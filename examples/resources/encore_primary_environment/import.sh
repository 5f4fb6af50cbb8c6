# An app's primary environment is imported by the app's name.
terraform import encore_primary_environment.shop shop
