# An app is imported by its name.
terraform import encore_app.shop shop
