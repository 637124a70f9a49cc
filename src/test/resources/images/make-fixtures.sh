#!/bin/sh
# Makes the small image fixtures of the imaging tests. Needs ImageMagick 6 (convert), exiftool
# and the vips CLI (libvips-tools). Run from this folder: sh make-fixtures.sh
set -eu

# A wide picture whose EXIF orientation 6 says "rotate 90° clockwise": displayed 100×200.
convert -size 200x100 xc:skyblue orientation-6.jpg
exiftool -q -overwrite_original -n -Orientation=6 orientation-6.jpg

# EXIF with GPS, plus XMP and IPTC, all of which must be gone from the output.
convert -size 64x64 xc:green gps.jpg
exiftool -q -overwrite_original -GPSLatitude=48.8584 -GPSLatitudeRef=N \
  -GPSLongitude=2.2945 -GPSLongitudeRef=E -Artist=SecretArtist \
  -XMP-dc:Creator=SecretCreator -IPTC:Keywords=SecretKeyword gps.jpg

# CMYK JPEG without a profile (a saturated red), 16-bit RGB PNG, palette PNG, greyscale and
# progressive JPEGs.
convert -size 64x48 xc:'rgb(220,20,20)' -colorspace CMYK -quality 90 cmyk.jpg
convert -size 64x48 gradient:red-blue -depth 16 PNG48:rgb16.png
convert -size 64x48 gradient:yellow-purple -colors 16 PNG8:palette.png
convert -size 64x48 gradient:white-black -colorspace Gray -quality 90 grey.jpg
convert -size 64x48 gradient:orange-teal -interlace JPEG -quality 90 progressive.jpg

# Animated GIF: red, then lime, then blue frames; the output must be the first (red).
convert -delay 10 -size 32x32 xc:red xc:lime xc:blue -loop 0 animated.gif

# A half-transparent PNG: left half opaque blue, right half fully transparent.
convert -size 40x20 xc:none -fill blue -draw 'rectangle 0,0 19,19' PNG32:transparent.png

# Inputs in the other accepted formats, written by libvips itself.
convert -size 64x48 gradient:red-green input.png
vips copy input.png input.webp
vips copy input.png input.tif
vips copy input.png 'input.avif[compression=av1]'
rm input.png

# Formats libvips could load but the service refuses.
convert -size 16x16 xc:red BMP3:refused.bmp
