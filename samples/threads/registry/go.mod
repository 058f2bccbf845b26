module registry

go 1.22
