module formats

go 1.22
