module bigdump

go 1.19
