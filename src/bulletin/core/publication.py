"""The publication the figures are taken from: its name and its publisher, said once.

The bulletin's statistics part does not print its own name; the one name the project's data
description gives it (``data/README.md``) is the one every output says: the pages' title and
footer, the PDF's and Word file's title and source line, the workbook's cover, the data package's
title and source, the command line's help. No other form (南京市…, 《卫生信息统计简报》) is printed.
"""

#: the publication's name, as every output prints it
NAME = "南京卫生信息统计简报"
#: who publishes it (the Word file's author, the source lines, the workbook's cover, the pages' footer)
PUBLISHER = "南京市卫生信息中心"
